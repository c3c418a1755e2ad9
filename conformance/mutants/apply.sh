#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Makes one mutant's sources: copies the files its patch touches from the
# source tree into OUT, then applies the patch there (exactly: no fuzz, so a
# patch that no longer matches the code it breaks fails the build, loudly).
#   apply.sh SOURCE_ROOT OUT PATCH FILE...
set -euo pipefail
root=$1 out=$2 patch=$3
shift 3
for file in "$@"; do
  mkdir -p "$out/$(dirname "$file")"
  cp "$root/$file" "$out/$file"
done
if ! patch --quiet --forward --fuzz=0 --no-backup-if-mismatch -p1 -d "$out" < "$patch"; then
  echo "mutant $(basename "$patch"): the patch no longer applies to $*: update it (conformance/mutants/README.md)" >&2
  exit 1
fi
