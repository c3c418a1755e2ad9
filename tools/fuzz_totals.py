#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""How much each fuzz target has run, in all: the sum of every long run in
the ledger fuzz/runs.csv (tools/fuzz.sh --long appends a row per target).

Each long run starts from the corpus the previous one committed, so the runs
of a target add up as one long run broken into pieces would: what carries
over is the corpus, what is lost is libFuzzer's in-memory state (its mutation
statistics). The table says both the total and the longest single run.
Under it, for the targets short of their goal, the command that runs what is
left and what that costs at each target's rate over all its runs, so the
chapter's remainder is read off the ledger too, never typed by hand.

The goals are the issue's (issue 8): 10^8 executions for a parser, 10^7 for
the targets that run whole Devices (`device`, `session`, and `batch`, which
runs two pairs of them), whose inputs each cost handshakes and so run a
thousand times slower. `allowed_ips` is held to 10^7 too: an input builds a
routing table of up to thousands of prefixes before it asks anything.

  tools/fuzz_totals.py                 print the table (Markdown)
  tools/fuzz_totals.py --check [FILE]  the table between FILE's markers
                                       (default docs/reliability.md) is
                                       current (CTest: fuzz_totals_are_current)
  tools/fuzz_totals.py --update [FILE] rewrite it there
"""
import csv
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
LEDGER = ROOT / "fuzz" / "runs.csv"
BEGIN, END = "<!-- fuzz-totals: begin -->", "<!-- fuzz-totals: end -->"
BIG_STATE = {"device", "session", "batch", "allowed_ips"}  # goal 10^7: each input builds much first


def goal(target):
    return 10**7 if target in BIG_STATE else 10**8


def power(n):
    """1.3 × 10^7, as the chapter writes figures."""
    exponent = len(str(int(n))) - 1
    mantissa = n / 10**exponent
    return f"10^{exponent}" if round(mantissa, 1) == 1.0 else f"{mantissa:.1f} × 10^{exponent}"


def edges_now(last):
    """The committed corpus's edges as the latest run measured them: the
    merged corpus replaced it only if it covered more. Counts compare within
    one build of the targets; a rebuild of the same code has measured the
    same corpus some edges apart, so this is not a maximum over runs."""
    return max(int(last["edges_before"] or 0), int(last["edges_after"] or 0))


def totals(rows):
    by_target = {}
    for row in rows:
        by_target.setdefault(row["target"], []).append(row)
    lines = [
        "| target | long runs | executions in all | longest run | goal | edges now | corpus files | findings | fuzzing time |",
        "|---|---:|---:|---:|---|---:|---:|---:|---:|",
    ]
    short_of_goal = {}  # target -> (executions still owed, its exec/s over all its runs)
    for target, runs in sorted(by_target.items(), key=lambda kv: (kv[0] in BIG_STATE, kv[0])):
        executions = [int(r["executions"]) for r in runs]
        total = sum(executions)
        target_goal = goal(target)
        last = runs[-1]
        minutes = sum(float(r["minutes"]) for r in runs)
        if total < target_goal:
            reached = f"{100 * total / target_goal:.0f} % of {power(target_goal)}"
            short_of_goal[target] = (target_goal - total, total / (60 * minutes))
        else:
            reached = "reached"
        time = f"{minutes / 60:.1f} h" if minutes >= 90 else f"{minutes:.0f} min"
        lines.append(
            f"| `{target}` | {len(runs)} | {power(total)} | {power(max(executions))} | {reached} "
            f"| {edges_now(last)} | {last['files_after']} "
            f"| {sum(int(r['findings']) for r in runs)} | {time} |")
    return "\n".join(lines) + "\n" + remainder(short_of_goal)


def remainder(short_of_goal):
    """What is left of the goals, as the command that runs it, and its cost
    in hours of a core at each target's rate over all its runs: executions
    over fuzzing time. Not the latest run's rate, which a short run inflates
    (libFuzzer lets inputs grow, and slow down, as a run goes on); rates also
    differ between machines, so this is an estimate, and says whose rate it
    uses."""
    if not short_of_goal:
        return "\nEvery target has reached its goal.\n"
    left = dict(sorted(short_of_goal.items()))
    hours = {t: owed / rate / 3600 for t, (owed, rate) in left.items()}
    budgets = " ".join(f"{t}={owed}" for t, (owed, _) in left.items())
    return (f"\nWhat is left, {len(left)} target(s): `tools/fuzz.sh --long {10**7} {budgets}`, "
            f"about {sum(hours.values()):.0f} hours of a core at each target's rate over all its runs "
            f"({min(hours.values()):.0f}–{max(hours.values()):.0f} h each).\n")


def main(argv):
    with LEDGER.open(newline="") as f:
        table = totals(list(csv.DictReader(f)))
    if len(argv) < 2:
        sys.stdout.write(table)
        return 0
    if argv[1] not in ("--check", "--update"):
        raise SystemExit(__doc__)
    doc = pathlib.Path(argv[2]) if len(argv) > 2 else ROOT / "docs" / "reliability.md"
    text = doc.read_text()
    if text.count(BEGIN) != 1 or text.count(END) != 1:
        raise SystemExit(f"fuzz_totals: {doc} needs one '{BEGIN}' line and one '{END}' line")
    head, rest = text.split(BEGIN + "\n")
    _, tail = rest.split(END)
    updated = head + BEGIN + "\n" + table + END + tail
    if argv[1] == "--update":
        doc.write_text(updated)
        return 0
    if updated != text:
        print(f"fuzz_totals: the table in {doc} is not what fuzz/runs.csv adds up to; run tools/fuzz_totals.py --update")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
