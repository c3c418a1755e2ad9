#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""tools/fuzz_gain.py read against real libFuzzer output: the two excerpts
below are what `fuzz_device -runs=0 -print_coverage=1` printed over the
device corpus before and after the eighth long run (docs/fuzz_runs.md),
trimmed to three functions, the tree's path shortened to /src."""
import pathlib
import sys
import unittest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import fuzz_gain  # noqa: E402

BEFORE = """\
#77	INITED cov: 1778 ft: 7627 corp: 73/4891b exec/s: 0 rss: 46Mb
COVERED_FUNC: hits: 35 edges: 5/17 wg::device::Device::carry_out(wg::device::Peer&, wg::timers::TimerAction, std::chrono::duration<long, std::ratio<1l, 1000000000l> >, wg::device::Outbox&) /src/reference/device/device.cpp:160
  UNCOVERED_PC: /src/reference/device/device.cpp:162
  UNCOVERED_PC: /src/reference/device/device.cpp:166
  UNCOVERED_PC: /src/reference/device/device.cpp:172
  UNCOVERED_PC: /src/reference/device/device.cpp:172
  UNCOVERED_PC: /src/reference/device/device.cpp:172
  UNCOVERED_PC: /src/reference/device/device.cpp:172
  UNCOVERED_PC: /src/reference/device/device.cpp:172
  UNCOVERED_PC: /src/reference/device/device.cpp:0
  UNCOVERED_PC: /usr/bin/../lib/gcc/x86_64-linux-gnu/12/../../../../include/c++/12/bits/stl_deque.h:1836
  UNCOVERED_PC: /src/reference/device/device.cpp:176
  UNCOVERED_PC: /src/reference/device/device.cpp:179
  UNCOVERED_PC: /src/reference/device/device.cpp:181
UNCOVERED_FUNC: hits: 0 edges: 0/1 wg::device::Device::erase_keys(wg::device::Peer&) /src/reference/device/device.cpp:189
COVERED_FUNC: hits: 18 edges: 2/5 wg::timers::PeerTimers::retransmit_fired(std::chrono::duration<long, std::ratio<1l, 1000000000l> >) /src/reference/timers/timers.cpp:72
  UNCOVERED_PC: /src/reference/timers/timers.cpp:80
  UNCOVERED_PC: /usr/bin/../lib/gcc/x86_64-linux-gnu/12/../../../../include/c++/12/bits/chrono.h:636
  UNCOVERED_PC: /usr/bin/../lib/gcc/x86_64-linux-gnu/12/../../../../include/c++/12/bits/chrono.h:636
"""

AFTER = """\
#86	INITED cov: 1814 ft: 7968 corp: 82/8165b exec/s: 0 rss: 47Mb
COVERED_FUNC: hits: 43 edges: 10/17 wg::device::Device::carry_out(wg::device::Peer&, wg::timers::TimerAction, std::chrono::duration<long, std::ratio<1l, 1000000000l> >, wg::device::Outbox&) /src/reference/device/device.cpp:160
  UNCOVERED_PC: /src/reference/device/device.cpp:162
  UNCOVERED_PC: /src/reference/device/device.cpp:166
  UNCOVERED_PC: /src/reference/device/device.cpp:172
  UNCOVERED_PC: /src/reference/device/device.cpp:0
  UNCOVERED_PC: /src/reference/device/device.cpp:176
  UNCOVERED_PC: /src/reference/device/device.cpp:179
  UNCOVERED_PC: /src/reference/device/device.cpp:181
UNCOVERED_FUNC: hits: 0 edges: 0/1 wg::device::Device::erase_keys(wg::device::Peer&) /src/reference/device/device.cpp:189
COVERED_FUNC: hits: 25 edges: 4/5 wg::timers::PeerTimers::retransmit_fired(std::chrono::duration<long, std::ratio<1l, 1000000000l> >) /src/reference/timers/timers.cpp:72
  UNCOVERED_PC: /usr/bin/../lib/gcc/x86_64-linux-gnu/12/../../../../include/c++/12/bits/chrono.h:636
"""

CARRY_OUT = ("wg::device::Device::carry_out", "reference/device/device.cpp:160")
RETRANSMIT = ("wg::timers::PeerTimers::retransmit_fired", "reference/timers/timers.cpp:72")


class ReadsLibFuzzerCoverage(unittest.TestCase):
    def setUp(self):
        self.before = fuzz_gain.parse(BEFORE, root="/src")
        self.after = fuzz_gain.parse(AFTER, root="/src")

    def test_totals_and_edges_per_function(self):
        self.assertEqual((self.before.total, self.after.total), (1778, 1814))
        self.assertEqual(self.before.edges[CARRY_OUT], (5, 17))
        self.assertEqual(self.after.edges[CARRY_OUT], (10, 17))

    def test_functions_that_gained_edges_largest_first(self):
        functions, _ = fuzz_gain.gains(self.before, self.after)
        self.assertEqual([(f[0], f[1], f[2], f[3], f[4:]) for f in functions],
                         [(5, 5, 10, 17, CARRY_OUT), (2, 2, 4, 5, RETRANSMIT)])

    def test_lines_count_edges_not_only_whether_any_is_left(self):
        # Line 172 had five unreached edges and has one: four gained, though
        # the line is still listed as unreached afterwards.
        _, lines = fuzz_gain.gains(self.before, self.after)
        self.assertEqual(lines, [
            (4, "reference/device/device.cpp:172"),
            (1, "/usr/include/c++/12/bits/chrono.h:636"),
            (1, "/usr/include/c++/12/bits/stl_deque.h:1836"),
            (1, "reference/timers/timers.cpp:80"),
        ])

    def test_nothing_gained_against_itself(self):
        self.assertEqual(fuzz_gain.gains(self.after, self.after), ([], []))

    def test_a_function_no_longer_reached_does_not_count_its_lines_as_gained(self):
        # Were retransmit_fired not reached at all after, its lines would
        # simply be missing from the list: that is not a gain.
        lost = AFTER.replace("COVERED_FUNC: hits: 25 edges: 4/5", "UNCOVERED_FUNC: hits: 0 edges: 0/5").replace(
            "  UNCOVERED_PC: /usr/bin/../lib/gcc/x86_64-linux-gnu/12/../../../../include/c++/12/bits/chrono.h:636\n", "")
        functions, lines = fuzz_gain.gains(self.before, fuzz_gain.parse(lost, root="/src"))
        self.assertNotIn(RETRANSMIT, [f[4:] for f in functions])
        self.assertNotIn("reference/timers/timers.cpp:80", [where for _, where in lines])

    def test_a_function_reached_for_the_first_time_gains_all_its_edges(self):
        # erase_keys, unreached before; and a function the earlier build did
        # not have at all (comparing corpora across a code change).
        reached = AFTER.replace("UNCOVERED_FUNC: hits: 0 edges: 0/1", "COVERED_FUNC: hits: 3 edges: 1/1") + (
            "COVERED_FUNC: hits: 1 edges: 2/3 wg::new_function(int) /src/reference/new.cpp:1\n")
        functions, _ = fuzz_gain.gains(self.before, fuzz_gain.parse(reached, root="/src"))
        gained = {f[4]: f[:4] for f in functions}
        self.assertEqual(gained["wg::device::Device::erase_keys"], (1, 0, 1, 1))
        self.assertEqual(gained["wg::new_function"], (2, 0, 2, 3))

    def test_names_lose_their_parameters(self):
        self.assertEqual(fuzz_gain.short_function("a::f(std::pair<int, int>, g(int)) const"), "a::f")
        self.assertEqual(fuzz_gain.short_function("parse[abi:cxx11](x)::$_0::operator()() const"),
                         "parse[abi:cxx11](…)::$_0::operator()")
        self.assertEqual(fuzz_gain.short_function("x::operator()(int)"), "x::operator()")
        self.assertEqual(len(fuzz_gain.short_function("n" * 300)), 100)


if __name__ == "__main__":
    unittest.main()
