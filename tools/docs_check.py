#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Every name the chapters quote must exist, so text and code cannot drift.

Checks each Markdown file in docs/ (and the README):
  - `path/to/file.ext`           the file exists (from the repository root,
                                 reference/, conformance/ or docs/)
  - `Name::member()`, `name()`,  each identifier occurs as a whole word in the
    `KeySlots`, `data_sent`      source tree (reference/, conformance/, tools/,
                                 fuzz/, bench/)
  - build/DIR/PROGRAM            PROGRAM is a target some CMakeLists.txt adds
  - PROGRAM "test name" / "[tag]" a Catch2 TEST_CASE of that name, or with that tag
  - \\snippet FILE TAG           FILE has the // [TAG] marker twice (Doxygen
                                 checks this too; here it fails without Doxygen)
Prints each missing name with its file and line; exit status 1 if any.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOURCE_DIRS = ["reference", "conformance", "tools", "fuzz", "bench", "vectors", "pcaps"]
CODE_SUFFIXES = {".cpp", ".hpp", ".sh", ".py", ".txt", ".in", ".md"}

def source_text():
    chunks = []
    for d in SOURCE_DIRS:
        for p in (ROOT / d).rglob("*"):
            if p.is_file() and p.suffix in CODE_SUFFIXES and "corpus" not in p.parts:
                chunks.append(p.read_text(errors="replace"))
    chunks.append((ROOT / "CMakeLists.txt").read_text())
    return "\n".join(chunks)

SOURCE = source_text()
WORDS = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", SOURCE))
TEST_NAMES = set(re.findall(r'TEST_CASE\("((?:[^"\\]|\\.)*)"', SOURCE))
TAGS = set(re.findall(r'TEST_CASE\("(?:[^"\\]|\\.)*",\s*"([^"]*)"', SOURCE))
TAG_WORDS = {t for tags in TAGS for t in re.findall(r"\[[^\]]+\]", tags)}
TARGETS = set()
for cmake in ROOT.rglob("CMakeLists.txt"):
    if "build" in cmake.relative_to(ROOT).parts[0]:
        continue
    text = cmake.read_text()
    TARGETS |= set(re.findall(r"add_executable\(\s*([\w.-]+)", text))
    TARGETS |= set(re.findall(r"add_custom_target\(\s*([\w.-]+)", text))
    TARGETS |= set(re.findall(r"wgref_add_test\(\s*([\w.-]+)", text))
    for loop in re.findall(r"foreach\(\s*\w+\s+([^)]*)\)", text):
        TARGETS |= set(loop.split())

# A mutant is named by its patch (conformance/mutants/NAME.patch).
MUTANTS = {p.stem for p in (ROOT / "conformance" / "mutants").glob("*.patch")}
WORDS |= MUTANTS

PATH = re.compile(r"^[\w./-]+\.(hpp|cpp|sh|py|md|txt|pcap|keylog|json|in|patch)$")
CODE = re.compile(r"^(?:[A-Za-z_]\w*::)*[A-Za-z_]\w*(?:\(\))?$")

def path_exists(text):
    if "/" not in text:  # a bare file name: some file of the tree has it
        return any(p.name == text for d in SOURCE_DIRS + ["docs"] for p in (ROOT / d).rglob(text))
    return any((base / text).exists() for base in (ROOT, ROOT / "reference", ROOT / "conformance", ROOT / "docs"))

def looks_like_code(token):
    if not CODE.match(token):
        return False
    if token.endswith("()") or "::" in token:
        return True
    if re.match(r"^[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+$", token):  # CamelCase: a type
        return True
    return bool(re.match(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$", token))  # snake_case: a function or value

def check(md):
    problems = []
    lines = md.read_text().splitlines()
    for number, line in enumerate(lines, 1):
        where = f"{md.relative_to(ROOT)}:{number}"
        for token in re.findall(r"`([^`\n]+)`", line):
            token = token.strip()
            if PATH.match(token):
                # A bare name that is not code (lab.keylog) is a file the reader makes.
                if ("/" in token or token.endswith((".hpp", ".cpp", ".py", ".sh"))) and not path_exists(token):
                    problems.append(f"{where}: no file {token}")
            elif looks_like_code(token):
                for name in re.findall(r"[A-Za-z_]\w*", token):
                    if name not in WORDS:
                        problems.append(f"{where}: no name {name} (in `{token}`)")
        for program in re.findall(r"\bbuild/(?!docs/)[\w-]+/(?:[\w-]+/)?([\w-]+)", line):
            if program not in TARGETS:
                problems.append(f"{where}: no program {program} is built")
        for quoted in re.findall(r'_test "([^"]+)"', line):
            if quoted.startswith("["):
                if not all(t in TAG_WORDS for t in re.findall(r"\[[^\]]+\]", quoted)):
                    problems.append(f"{where}: no test has the tag {quoted}")
            elif quoted.replace("\\", "") not in {t.replace("\\", "") for t in TEST_NAMES}:
                problems.append(f'{where}: no test named "{quoted}"')
        m = re.match(r"\s*\\snippet\s+(\S+)\s+(\S+)", line)
        if m:
            target = ROOT / "reference" / m.group(1)
            if not target.exists():
                target = ROOT / m.group(1)
            if not target.exists() or target.read_text().count(f"[{m.group(2)}]") != 2:
                problems.append(f"{where}: {m.group(1)} lacks the two [{m.group(2)}] markers")
    return problems

def main():
    files = sorted((ROOT / "docs").rglob("*.md")) + [ROOT / "README.md"]
    problems = [p for md in files for p in check(md)]
    for p in problems:
        print(p)
    print(f"docs_check: {len(files)} files, {len(problems)} missing names")
    return 1 if problems else 0

if __name__ == "__main__":
    sys.exit(main())
