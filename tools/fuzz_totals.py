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
chapter's remainder is read off the ledger too, never typed by hand. The
same goes for the chapter's summary row on fuzzing: how many long runs
there have been (the sections of docs/fuzz_runs.md, each headed as a
run, counting first, second, ... without a gap) and what the Device-class
targets have reached.

The goals are the issue's (issue 8): 10^8 executions for a parser, 10^7 for
the targets that run whole Devices (`device`, `session`, and `batch`, which
runs two pairs of them), whose inputs each cost handshakes and so run a
thousand times slower. `allowed_ips` is held to 10^7 too: an input builds a
routing table of up to thousands of prefixes before it asks anything.

  tools/fuzz_totals.py                 print the table (Markdown)
  tools/fuzz_totals.py --check [FILE]  the table between FILE's markers
                                       (default docs/reliability.md), and
                                       its summary row on fuzzing, are
                                       current (CTest: fuzz_totals_are_current)
  tools/fuzz_totals.py --update [FILE] rewrite them there
"""
import csv
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
LEDGER = ROOT / "fuzz" / "runs.csv"
RUNS_PAGE = ROOT / "docs" / "fuzz_runs.md"  # one section per long run
BEGIN, END = "<!-- fuzz-totals: begin -->", "<!-- fuzz-totals: end -->"
BIG_STATE = {"device", "session", "batch", "allowed_ips"}  # goal 10^7: each input builds much first


def goal(target):
    return 10**7 if target in BIG_STATE else 10**8


def decimal_exponent(n):
    """7 for 13,456,789: the power of ten the chapter writes it with."""
    return len(str(int(n))) - 1


def power(n):
    """1.3 × 10^7, as the chapter writes figures."""
    exponent = decimal_exponent(n)
    mantissa = n / 10**exponent
    return f"10^{exponent}" if round(mantissa, 1) == 1.0 else f"{mantissa:.1f} × 10^{exponent}"


def edges_now(last):
    """The committed corpus's edges as the latest run measured them: the
    merged corpus replaced it only if it covered more. Counts compare within
    one build of the targets; a rebuild of the same code has measured the
    same corpus some edges apart, so this is not a maximum over runs."""
    return max(int(last["edges_before"] or 0), int(last["edges_after"] or 0))


def runs_by_target(rows):
    by_target = {}
    for row in rows:
        by_target.setdefault(row["target"], []).append(row)
    return by_target


def totals(rows):
    by_target = runs_by_target(rows)
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


UNITS = ("one two three four five six seven eight nine ten eleven twelve thirteen "
         "fourteen fifteen sixteen seventeen eighteen nineteen").split()
TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
IRREGULAR_ORDINALS = {"one": "first", "two": "second", "three": "third", "five": "fifth",
                      "eight": "eighth", "nine": "ninth", "twelve": "twelfth"}


def in_words(n):
    """34 as the chapter writes it: thirty-four (1 to 99)."""
    if not 1 <= n <= 99:
        raise SystemExit(f"fuzz_totals: {n} runs; in_words() knows 1 to 99")
    if n < 20:
        return UNITS[n - 1]
    tens, units = divmod(n, 10)
    return TENS[tens - 2] + (f"-{UNITS[units - 1]}" if units else "")


def ordinal(n):
    """34 as a section heading writes it: thirty-fourth."""
    *head, last = in_words(n).rsplit("-", 1)
    if last in IRREGULAR_ORDINALS:
        last = IRREGULAR_ORDINALS[last]
    elif last.endswith("y"):
        last = last[:-1] + "ieth"
    else:
        last += "th"
    return "-".join(head + [last])


def long_runs(runs_page_text):
    """How many long runs the runs page tells of: each of its sections is
    one run, headed "## The first run, ...", and the headings must count up
    from the first without a gap, since the chapter and the notes name runs
    by these ordinals."""
    headings = re.findall(r"^## (.*)$", runs_page_text, re.M)
    for number, heading in enumerate(headings, start=1):
        if not heading.startswith(f"The {ordinal(number)} run, "):
            raise SystemExit(f"fuzz_totals: {RUNS_PAGE.name}'s section {number} is headed '{heading}', "
                             f"not 'The {ordinal(number)} run, ...'")
    return len(headings)


def names(targets):
    quoted = [f"`{t}`" for t in targets]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def device_class_reach(rows):
    """What the Device-class targets have run in all: the goal for those
    that reached it, the range of totals for the rest."""
    executions = {t: sum(int(r["executions"]) for r in runs)
                  for t, runs in runs_by_target(rows).items() if t in BIG_STATE}
    reached = sorted(t for t, n in executions.items() if n >= goal(t))
    short = sorted(t for t, n in executions.items() if n < goal(t))
    parts = []
    if reached:
        parts.append(f"{power(10**7)} for {names(reached)}")
    if short:
        low, high = min(executions[t] for t in short), max(executions[t] for t in short)
        exponent = decimal_exponent(low)
        if len(short) == 1:
            span = power(low)
        elif decimal_exponent(high) == exponent:
            span = f"{low / 10**exponent:.1f}–{high / 10**exponent:.1f} × 10^{exponent}"
        else:
            span = f"{power(low)} to {power(high)}"
        parts.append(f"{span} for {names(short)}")
    return " and ".join(parts)


def with_summary_row(doc_text, rows, runs_page_text):
    """The chapter's opening table has a row on fuzzing; two of its claims
    follow from the records: "N long runs" and what the Device-class
    targets reached ("for the Device-class targets, ..." up to the cell's
    end). The rest of the row is prose, kept by hand."""
    row_shape = re.compile(r"^\| fuzzing \|.*$", re.M)
    count_shape = re.compile(r"\b[a-z]+(?:-[a-z]+)? long runs\b")
    reach_shape = re.compile(r"(for the Device-class targets, )[^|]*?( \|)")
    rows_found = row_shape.findall(doc_text)
    if len(rows_found) != 1 or len(count_shape.findall(rows_found[0])) != 1 \
            or len(reach_shape.findall(rows_found[0])) != 1:
        raise SystemExit("fuzz_totals: the chapter needs one row '| fuzzing | ...' holding "
                         "'N long runs' once and 'for the Device-class targets, ... |' once")
    row = count_shape.sub(f"{in_words(long_runs(runs_page_text))} long runs", rows_found[0])
    row = reach_shape.sub(lambda m: m.group(1) + device_class_reach(rows) + m.group(2), row)
    return row_shape.sub(lambda _: row, doc_text)


def current(doc_text, rows, runs_page_text, doc_name="the chapter"):
    """The chapter as the records say it should read: the table between the
    markers, and the summary row."""
    if doc_text.count(BEGIN) != 1 or doc_text.count(END) != 1:
        raise SystemExit(f"fuzz_totals: {doc_name} needs one '{BEGIN}' line and one '{END}' line")
    head, rest = doc_text.split(BEGIN + "\n")
    _, tail = rest.split(END)
    return with_summary_row(head + BEGIN + "\n" + totals(rows) + END + tail, rows, runs_page_text)


def main(argv):
    with LEDGER.open(newline="") as f:
        rows = list(csv.DictReader(f))
    if len(argv) < 2:
        sys.stdout.write(totals(rows))
        return 0
    if argv[1] not in ("--check", "--update"):
        raise SystemExit(__doc__)
    doc = pathlib.Path(argv[2]) if len(argv) > 2 else ROOT / "docs" / "reliability.md"
    text = doc.read_text()
    updated = current(text, rows, RUNS_PAGE.read_text(), str(doc))
    if argv[1] == "--update":
        doc.write_text(updated)
        return 0
    if updated != text:
        print(f"fuzz_totals: the totals or the summary row in {doc} are not what fuzz/runs.csv "
              f"and {RUNS_PAGE.name} add up to; run tools/fuzz_totals.py --update")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
