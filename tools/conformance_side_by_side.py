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
    sections = {i: next(c[i]["section"] for _, c in columns if i in c) for i in order}
    width = max(len(i) for i in order + ["case"])
    section_width = max(len(s) for s in [*sections.values(), "paper §"])  # "xplatform" is wider than "5.4.3"
    col = max(8, *(len(n) for n, _ in columns))
    print(f"{'case':<{width}}  {'paper §':<{section_width}}  " + "  ".join(f"{n:<{col}}" for n, _ in columns))
    failed = False
    for case_id in order:
        section = sections[case_id]
        verdicts = [c.get(case_id, {}).get("verdict", "-") for _, c in columns]
        failed |= "FAIL" in verdicts
        mark = "   <- they differ" if len(set(verdicts)) > 1 else ""
        print(f"{case_id:<{width}}  {section:<{section_width}}  " + "  ".join(f"{v:<{col}}" for v in verdicts) + mark)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
