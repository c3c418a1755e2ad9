#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""What a fuzz target's corpus reaches now that it did not before: the code
behind a long run's "coverage 1777 → 1823".

tools/fuzz.sh --long counts edges (libFuzzer's `cov:`); this says where they
are. It runs the target once over each corpus with libFuzzer's
`-runs=0 -print_coverage=1`, which lists every instrumented function with its
covered edges and, for each function reached, the source line of every edge
not reached. Comparing the two lists function by function and line by line
names the functions that gained edges and the lines where they are. A line
can hold several edges (a loop, an inlined library call), so lines are
compared by how many of their edges are left unreached, not only by whether
any is.

  tools/fuzz_gain.py TARGET [--before REV] [--after DIR] [--binary PATH]

  --before REV  the committed corpus fuzz/corpus/TARGET at git revision REV
                (default HEAD), or a directory (tools/fuzz.sh --long gives
                it the corpus it started from)
  --after DIR   the corpus to compare with it (default fuzz/corpus/TARGET,
                the working tree's: what a long run just wrote)
  --binary PATH the fuzz target (default build-fuzz/fuzz/fuzz_TARGET, as
                tools/fuzz.sh builds it)
  --name-before TEXT  what to call the corpus before, in the report

Example, after a long run that updated the device corpus:

  tools/fuzz_gain.py device

With address-space randomisation on, a Device-class target's coverage of
the same files moves by a few edges from one run to the next (chapter 10,
the twenty-fifth run), so the target runs with it off (`setarch -R`), as
tools/fuzz.sh measures. Where a machine does not permit that, a gain of an
edge or two in a function the new files do not touch is noise; the lines
are the evidence.
"""
import argparse
import collections
import functools
import os
import pathlib
import re
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent

# libFuzzer's -print_coverage=1 lines, e.g.
#   COVERED_FUNC: hits: 35 edges: 5/17 wg::device::Device::carry_out(...) /src/reference/device/device.cpp:160
#   UNCOVERED_FUNC: hits: 0 edges: 0/1 wg::device::Device::erase_keys(...) /src/reference/device/device.cpp:189
#     UNCOVERED_PC: /src/reference/device/device.cpp:172
FUNCTION = re.compile(r"^(COVERED|UNCOVERED)_FUNC: hits: \d+ edges: (\d+)/(\d+) (.*) (\S+:\d+)$")
UNREACHED_EDGE = re.compile(r"^\s+UNCOVERED_PC: (\S+:\d+)$")
INITED = re.compile(r"INITED cov: (\d+)")


class Coverage:
    """One corpus's coverage: edges reached per function, edges left
    unreached per source line (in the functions reached), and libFuzzer's
    total."""

    def __init__(self):
        self.edges = {}  # (function, where) -> (covered, total)
        self.unreached = collections.Counter()  # (function key, "file:line") -> edges not reached
        self.total = None


def parse(text, root=str(ROOT)):
    """Reads -print_coverage=1 output (the target's whole log)."""
    coverage = Coverage()
    function = None  # the function the UNCOVERED_PC lines that follow belong to
    for line in text.splitlines():
        if m := FUNCTION.match(line):
            function = (short_function(m.group(4)), short_path(m.group(5), root))
            coverage.edges[function] = (int(m.group(2)), int(m.group(3)))
        elif (m := UNREACHED_EDGE.match(line)) and function:
            coverage.unreached[(function, short_path(m.group(1), root))] += 1
        elif m := INITED.search(line):
            coverage.total = int(m.group(1))
    return coverage


def short_function(name):
    """`wg::device::Device::carry_out(wg::device::Peer&, ...)` -> the name
    without its parameters; a lambda's enclosing function keeps its
    parentheses with `…` inside (`parse_keylog(…)::$_0::operator()`); at
    most 100 characters: enough to find it."""
    text = name[: -len(" const")] if name.endswith(" const") else name
    short, depth, inside = [], 0, False
    for c in text:
        if c == "(":
            depth += 1
            if depth == 1:
                short.append("(")
                inside = False
                continue
        elif c == ")":
            depth -= 1
            if depth == 0:
                short.append("…)" if inside else ")")
                continue
        if depth == 0:
            short.append(c)
        else:
            inside = True
    text = "".join(short)
    for parameters in ("(…)", "()"):  # the function's own, not operator()'s name
        if text.endswith(parameters) and not text.endswith("operator()"):
            text = text[: -len(parameters)]
            break
    return text if len(text) <= 100 else text[:99] + "…"


def short_path(where, root):
    """A path inside the tree relative to it; a library header normalised
    (`/usr/bin/../lib/gcc/x86_64-linux-gnu/12/../../../../include/c++/12/...`
    -> `/usr/include/c++/12/...`). Line 0 (code the compiler made without a
    line) stays as it is."""
    path, _, line = where.rpartition(":")
    path = os.path.normpath(path)
    if path.startswith(root.rstrip("/") + "/"):
        path = path[len(root.rstrip("/")) + 1 :]
    return f"{path}:{line}"


def gains(before, after):
    """(functions, lines): functions whose covered edges grew, largest
    first, as (gain, before, after, total, function, where); and source lines
    with edges reached now and not before, as (edges, line). A function not
    reached before has no unreached-line list, so its lines are not listed:
    the function stands for them."""
    functions = []
    for key, (covered, total) in after.edges.items():
        was = before.edges.get(key, (0, total))[0]
        if covered > was:
            functions.append((covered - was, was, covered, total) + key)
    functions.sort(key=lambda f: (-f[0], f[4]))
    reached_after = {key for key, (covered, _) in after.edges.items() if covered > 0}
    lines = collections.Counter()
    for (function, where), left_before in before.unreached.items():
        if function in reached_after:
            left_after = after.unreached.get((function, where), 0)
            if left_after < left_before:
                lines[where] += left_before - left_after
    return functions, sorted(((edges, where) for where, edges in lines.items()), key=lambda g: (-g[0], g[1]))


@functools.cache
def if_permitted(*prefix):
    """PREFIX (a command that runs the rest of the line under it) when this
    machine permits it, probed once as tools/fuzz.sh does, else nothing."""
    return list(prefix) if subprocess.run([*prefix, "true"], capture_output=True).returncode == 0 else []


def isolation():
    """No network for the target: `unshare --net`, where permitted."""
    return if_permitted("unshare", "--net")


def steady():
    """Address-space randomisation off (`setarch -R`), where permitted."""
    return if_permitted("setarch", "-R")


def run_target(binary, corpus):
    """The target over every input once, coverage printed; bounded in time
    and without a network, steady, as tools/fuzz.sh measures it."""
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0")
    try:
        result = subprocess.run(
            isolation() + steady() + [str(binary), "-runs=0", "-print_coverage=1", "-timeout=5", "-rss_limit_mb=2048", str(corpus)],
            capture_output=True, text=True, errors="replace", env=env, timeout=1800)
    except subprocess.TimeoutExpired:
        sys.exit(f"fuzz_gain: {binary} took more than 30 minutes over {corpus}")
    if "INITED" not in result.stderr:
        sys.exit(f"fuzz_gain: {binary} did not run over {corpus}:\n{result.stderr[-2000:]}")
    return result.stderr


def committed_corpus(target, revision, into):
    """fuzz/corpus/TARGET as it was at REVISION, written into a directory."""
    listing = subprocess.run(["git", "-C", str(ROOT), "ls-tree", "--name-only", f"{revision}:fuzz/corpus/{target}"],
                             capture_output=True, text=True)
    if listing.returncode != 0:
        sys.exit(f"fuzz_gain: no fuzz/corpus/{target} at {revision}")
    for name in listing.stdout.split():
        blob = subprocess.run(["git", "-C", str(ROOT), "show", f"{revision}:fuzz/corpus/{target}/{name}"],
                              capture_output=True, check=True).stdout
        (into / name).write_bytes(blob)


def files_in(directory):
    return sum(1 for f in directory.iterdir() if f.is_file())


def report(target, label_before, label_after, before, after, files_before, files_after):
    functions, lines = gains(before, after)
    print(f"{target}: {label_before} ({files_before} files, {before.total} edges) -> "
          f"{label_after} ({files_after} files, {after.total} edges)")
    if not functions and not lines:
        print("nothing reached that was not reached before")
        return
    print("functions with more edges reached:")
    for gain, was, now, total, function, where in functions:
        print(f"  +{gain:<3} {was:>3} -> {now:>3} of {total:<4} {function}  {where}")
    print("lines with edges reached now, not before:")
    for edges, where in lines:
        print(f"  +{edges:<3} {where}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("target")
    parser.add_argument("--before", default="HEAD")
    parser.add_argument("--after")
    parser.add_argument("--binary")
    parser.add_argument("--name-before")
    args = parser.parse_args()
    binary = pathlib.Path(args.binary or ROOT / "build-fuzz" / "fuzz" / f"fuzz_{args.target}")
    after_dir = pathlib.Path(args.after or ROOT / "fuzz" / "corpus" / args.target)
    if not binary.is_file():
        sys.exit(f"fuzz_gain: no {binary} (build it with tools/fuzz.sh)")
    if not after_dir.is_dir():
        sys.exit(f"fuzz_gain: no directory {after_dir}")
    with tempfile.TemporaryDirectory(prefix="wgref-fuzz-gain.") as work:
        if pathlib.Path(args.before).is_dir():
            before_dir, label = pathlib.Path(args.before), str(args.before)
        else:
            before_dir, label = pathlib.Path(work), f"corpus at {args.before}"
            committed_corpus(args.target, args.before, before_dir)
        before = parse(run_target(binary, before_dir))
        after = parse(run_target(binary, after_dir))
        files_before = files_in(before_dir)
    report(args.target, args.name_before or label, str(after_dir), before, after, files_before, files_in(after_dir))


if __name__ == "__main__":
    main()
