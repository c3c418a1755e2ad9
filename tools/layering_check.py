#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The layers of reference/, checked: no include runs upward.

Each folder of reference/ may include only folders below it, and the three
folders of §5.4 (handshake, cookie, transport) none of each other: each
depends on wire/ for the message formats, never on another's.

    io        the only code that touches the OS
    device    the Device: peers, key slots, receive and send paths
    timers    §6
    handshake cookie transport   §5.4.2-5.4.7, side by side
    routing   §3
    crypto    §5.4 primitives
    wire      message formats and constants
    common    bytes, addresses, results, time

Tests (*_test.cpp) may include anything. Prints the folder-to-folder include
counts (the dependency listing), then each violation; exit status 1 if any.
"""
import collections
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent / "reference"
LAYER = {"common": 0, "wire": 1, "crypto": 2, "routing": 3,
         "handshake": 4, "cookie": 4, "transport": 4, "timers": 5, "device": 6, "io": 7, ".": 8}

def main():
    edges = collections.Counter()
    problems = []
    for path in sorted(ROOT.rglob("*.[ch]pp")):
        if path.stem.endswith("_test"):
            continue
        folder = path.parent.relative_to(ROOT).as_posix()
        for included in re.findall(r'#include "([^"]+)"', path.read_text()):
            target = included.split("/")[0] if "/" in included else folder
            if target == folder:
                continue
            edges[(folder, target)] += 1
            if target not in LAYER or folder not in LAYER:
                problems.append(f"{path.relative_to(ROOT)}: {included}: a folder with no layer")
            elif LAYER[target] >= LAYER[folder]:
                kind = "sideways" if LAYER[target] == LAYER[folder] else "upward"
                problems.append(f"{path.relative_to(ROOT)}: includes {included} ({kind}: {folder} -> {target})")
    print("reference/ folder -> folder includes (count):")
    for (a, b), n in sorted(edges.items(), key=lambda e: (-LAYER.get(e[0][0], 9), LAYER.get(e[0][1], 9))):
        print(f"  {a:10} -> {b:10} {n}")
    for p in problems:
        print("VIOLATION", p)
    print(f"layering_check: {len(problems)} violations")
    return 1 if problems else 0

if __name__ == "__main__":
    sys.exit(main())
