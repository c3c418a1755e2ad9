#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Prints wgconform's JSON reports of several targets as one table, a column
per target, so that where implementations disagree is plain to see.

Usage: conformance_side_by_side.py NAME=REPORT.json [NAME=REPORT.json ...]
Exit status: 0 when no target failed a case, 1 otherwise.
"""
import json
import sys


def main(argv):
    if len(argv) < 2 or any("=" not in a for a in argv[1:]):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    columns = []
    for arg in argv[1:]:
        name, path = arg.split("=", 1)
        with open(path, encoding="utf-8") as f:
            report = json.load(f)
        columns.append((name, {c["id"]: c for c in report["cases"]}))
    order = []
    for _, cases in columns:
        order += [case_id for case_id in cases if case_id not in order]
    width = max(len(i) for i in order + ["case"])
    col = max(8, *(len(n) for n, _ in columns))
    print(f"{'case':<{width}}  {'paper §':<7}  " + "  ".join(f"{n:<{col}}" for n, _ in columns))
    failed = False
    for case_id in order:
        section = next(c[case_id]["section"] for _, c in columns if case_id in c)
        verdicts = [c.get(case_id, {}).get("verdict", "-") for _, c in columns]
        failed |= "FAIL" in verdicts
        mark = "   <- they differ" if len(set(verdicts)) > 1 else ""
        print(f"{case_id:<{width}}  {section:<7}  " + "  ".join(f"{v:<{col}}" for v in verdicts) + mark)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
