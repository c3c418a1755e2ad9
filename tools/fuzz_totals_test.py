#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""tools/fuzz_totals.py keeping Chapter 10's summary row on fuzzing true:
the number of long runs (the sections of docs/fuzz_runs.md) and what the
Device-class targets have reached (the ledger fuzz/runs.csv). The ledgers
below are small made-up ones; the real chapter is checked by CTest
fuzz_totals_are_current."""
import pathlib
import sys
import unittest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import fuzz_totals  # noqa: E402


def ledger(**executions):
    """One ledger row per target, as tools/fuzz.sh --long appends them."""
    return [{"started_utc": "2026-12-07T20:49", "commit": "0000000", "target": target,
             "executions": str(n), "budget": str(n), "exec_per_second": "100",
             "edges_before": "10", "edges_after": "10", "files_after": "3",
             "findings": "0", "minutes": "60.0"}
            for target, n in executions.items()]


def runs_page(count):
    return "".join(f"## The {fuzz_totals.ordinal(n)} run, 7 December 2026\n\ntext\n\n"
                   for n in range(1, count + 1))


CHAPTER = """\
| what | how much | what held | where |
|---|---|---|---|
| CI | a row the tool leaves alone: two long runs | held | here |
| fuzzing | 20 targets; two long runs: 10^8 for the parsers; \
for the Device-class targets, 10^6 for `device` | nothing found | `fuzz/runs.csv` |

<!-- fuzz-totals: begin -->
stale table
<!-- fuzz-totals: end -->
"""


class NumbersInWords(unittest.TestCase):
    def test_counts_and_headings_read_as_the_chapter_writes_them(self):
        self.assertEqual(fuzz_totals.in_words(7), "seven")
        self.assertEqual(fuzz_totals.in_words(34), "thirty-four")
        self.assertEqual(fuzz_totals.in_words(40), "forty")
        for n, heading in [(1, "first"), (2, "second"), (3, "third"), (5, "fifth"), (8, "eighth"),
                           (9, "ninth"), (12, "twelfth"), (18, "eighteenth"), (20, "twentieth"),
                           (21, "twenty-first"), (34, "thirty-fourth"), (35, "thirty-fifth"),
                           (40, "fortieth"), (99, "ninety-ninth")]:
            self.assertEqual(fuzz_totals.ordinal(n), heading)


class DeviceClassReach(unittest.TestCase):
    def test_all_short_gives_the_range_of_their_totals(self):
        rows = ledger(allowed_ips=5325879, device=6394639, session=6625275, batch=9400000)
        self.assertEqual(fuzz_totals.device_class_reach(rows),
                         "5.3–9.4 × 10^6 for `allowed_ips`, `batch`, `device` and `session`")

    def test_those_that_reached_the_goal_are_named_apart(self):
        rows = ledger(allowed_ips=5325879, batch=10**7, device=6394639, session=6625275)
        self.assertEqual(fuzz_totals.device_class_reach(rows),
                         "10^7 for `batch` and 5.3–6.6 × 10^6 for `allowed_ips`, `device` and `session`")

    def test_one_short_target_gets_its_own_figure(self):
        rows = ledger(allowed_ips=10**7, batch=10**7, device=8123456, session=10**7)
        self.assertEqual(fuzz_totals.device_class_reach(rows),
                         "10^7 for `allowed_ips`, `batch` and `session` and 8.1 × 10^6 for `device`")

    def test_totals_of_different_powers_are_not_written_as_one_range(self):
        rows = ledger(device=650000, session=6625275)
        self.assertEqual(fuzz_totals.device_class_reach(rows),
                         "6.5 × 10^5 to 6.6 × 10^6 for `device` and `session`")

    def test_parsers_are_not_device_class(self):
        rows = ledger(device=6394639, pcap=3 * 10**7) + ledger(device=10**6)
        self.assertEqual(fuzz_totals.device_class_reach(rows), "7.4 × 10^6 for `device`")


class SummaryRow(unittest.TestCase):
    def test_the_row_is_rewritten_from_the_records_and_nothing_else_is(self):
        rows = ledger(batch=10**7, device=6394639, session=6625275)
        updated = fuzz_totals.current(CHAPTER, rows, runs_page(35))
        self.assertIn("| fuzzing | 20 targets; thirty-five long runs: 10^8 for the parsers; "
                      "for the Device-class targets, 10^7 for `batch` and "
                      "6.4–6.6 × 10^6 for `device` and `session` | nothing found |", updated)
        self.assertIn("| CI | a row the tool leaves alone: two long runs |", updated)
        self.assertIn("| `session` | 1 | 6.6 × 10^6 |", updated)
        self.assertNotIn("stale table", updated)

    def test_a_current_chapter_is_left_as_it_is(self):
        rows = ledger(batch=10**7, device=6394639)
        once = fuzz_totals.current(CHAPTER, rows, runs_page(3))
        self.assertNotEqual(once, CHAPTER)
        self.assertEqual(fuzz_totals.current(once, rows, runs_page(3)), once)
        self.assertNotEqual(fuzz_totals.current(once, rows, runs_page(4)), once)
        self.assertNotEqual(fuzz_totals.current(once, ledger(batch=10**7, device=6494639), runs_page(3)), once)

    def test_a_runs_page_that_skips_a_number_is_refused(self):
        page = runs_page(3).replace("The third run", "The fourth run")
        with self.assertRaisesRegex(SystemExit, "section 3 is headed 'The fourth run, .*', not 'The third run, ...'"):
            fuzz_totals.current(CHAPTER, ledger(device=1), page)

    def test_a_run_headed_otherwise_is_refused_not_left_uncounted(self):
        for page in (runs_page(3) + "## The 4th run, 8 December 2026\n",
                     runs_page(3).replace("## The second run", "## the second run")):
            with self.assertRaisesRegex(SystemExit, "is headed"):
                fuzz_totals.current(CHAPTER, ledger(device=1), page)

    def test_a_row_without_the_claims_is_refused_not_skipped(self):
        for broken in (CHAPTER.replace("two long runs: 10^8", "10^8"),
                       CHAPTER.replace("for the Device-class targets, ", ""),
                       CHAPTER.replace("| fuzzing |", "| fuzz |")):
            with self.assertRaisesRegex(SystemExit, "needs one row"):
                fuzz_totals.current(broken, ledger(device=1), runs_page(2))


if __name__ == "__main__":
    unittest.main()
