#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The code the chapters quote, written into the chapters, so they read on a
code host as they do in the built HTML: no gap where a Doxygen `\\snippet`
would stand.

A quote in docs/*.md is a marker line naming the file (under reference/) and
the tag, then a fenced block with the lines between the two `// [TAG]` lines
of that file, their common indentation removed:

    <!-- snippet: device/receive.cpp receive-datagram -->
    ```cpp
    ...
    ```

  tools/snippets.py --check    every quote is what the code says today (CTest:
                               docs_quotes_are_current); exit 1 if not
  tools/snippets.py --update   rewrite every quote from the code (and turn any
                               `\\snippet FILE TAG` line into a quote)
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
MARKER = re.compile(r"^<!-- snippet: (\S+) (\S+) -->$")
DOXYGEN = re.compile(r"^\\snippet\s+(\S+)\s+(\S+)\s*$")


def region(path, tag):
    lines = (ROOT / "reference" / path).read_text().splitlines()
    marks = [i for i, line in enumerate(lines) if line.strip() == f"// [{tag}]"]
    if len(marks) != 2:
        raise SystemExit(f"snippets: reference/{path} has {len(marks)} '// [{tag}]' lines, not 2")
    body = lines[marks[0] + 1:marks[1]]
    indent = min((len(l) - len(l.lstrip()) for l in body if l.strip()), default=0)
    return [l[indent:] for l in body]


def rewrite(text):
    """The chapter with every quote (or \\snippet line) made from the code."""
    out, lines, i = [], text.splitlines(), 0
    while i < len(lines):
        line = lines[i]
        m = MARKER.match(line) or DOXYGEN.match(line)
        if not m:
            out.append(line)
            i += 1
            continue
        path, tag = m.groups()
        out += [f"<!-- snippet: {path} {tag} -->", "```cpp", *region(path, tag), "```"]
        i += 1
        if MARKER.match(line) and i < len(lines) and lines[i].startswith("```"):
            i += 1  # skip the old block, fences included
            while i < len(lines) and not lines[i].startswith("```"):
                i += 1
            i += 1
    return "\n".join(out) + ("\n" if text.endswith("\n") else "")


def main():
    mode = sys.argv[1] if len(sys.argv) == 2 else ""
    if mode not in ("--check", "--update"):
        raise SystemExit(__doc__)
    stale = []
    for page in sorted((ROOT / "docs").rglob("*.md")):
        text = page.read_text()
        fresh = rewrite(text)
        if fresh == text:
            continue
        if mode == "--update":
            page.write_text(fresh)
            print(f"snippets: updated {page.relative_to(ROOT)}")
        else:
            stale.append(str(page.relative_to(ROOT)))
    if stale:
        print("FAIL: quotes that no longer match the code (or \\snippet lines) in: " + ", ".join(stale))
        print("      run: /usr/bin/python3 tools/snippets.py --update")
        sys.exit(1)
    if mode == "--check":
        print("PASS: every quoted snippet matches the code")


if __name__ == "__main__":
    main()
