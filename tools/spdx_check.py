#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Every source file says its licence: an SPDX line near its top.

The project is MIT-licensed (LICENSE; the README says why), so that code and
course can be handed out and reused freely. A file without the line is an
unclear case for whoever copies it; this check names each one.
Run from anywhere: tools/spdx_check.py [ROOT]. Exit 0 all carry it, 1 not.
"""
import os
import sys

ROOT = os.path.realpath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), ".."))
LINE = "SPDX-License-Identifier: MIT"
# What counts as source: code, scripts, build files, templates, the chapters,
# the mutants' patches. Data (vectors, captures, corpora) is not source.
SUFFIXES = (".cpp", ".hpp", ".h", ".sh", ".py", ".cmake", ".in", ".patch", ".md")
NAMES = ("CMakeLists.txt",)
EXTRA = (".ci/run", "tools/completion/wgref", "tools/completion/wgconform")
SKIP_DIRS = {".git", "fuzz/corpus", "vectors", "pcaps"}
HEAD_LINES = 3  # a shebang, or a man page's first comment line, may come first


def is_build_dir(path):
    return os.path.exists(os.path.join(path, "CMakeCache.txt"))


def sources():
    for extra in EXTRA:
        yield extra
    for directory, subdirs, files in os.walk(ROOT):
        relative = os.path.relpath(directory, ROOT)
        subdirs[:] = sorted(d for d in subdirs
                            if os.path.normpath(os.path.join(relative, d)) not in SKIP_DIRS
                            and not d.startswith(".") and not is_build_dir(os.path.join(directory, d)))
        for name in sorted(files):
            if name.endswith(SUFFIXES) or name in NAMES:
                yield os.path.normpath(os.path.join(relative, name))


def main():
    missing = []
    count = 0
    for path in sources():
        count += 1
        with open(os.path.join(ROOT, path), encoding="utf-8", errors="replace") as f:
            head = [next(f, "") for _ in range(HEAD_LINES)]
        if not any(LINE in line for line in head):
            missing.append(path)
    for path in missing:
        print(f"FAIL: {path}: no '{LINE}' in its first {HEAD_LINES} lines")
    if missing:
        print(f"FAIL: {len(missing)} of {count} source files without an SPDX line")
        return 1
    print(f"PASS: all {count} source files carry '{LINE}'")
    return 0


if __name__ == "__main__":
    sys.exit(main())
