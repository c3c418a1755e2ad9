#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The documentation as one PDF, for reading away from a browser or handing
# out in a course: Debian's chromium, headless, prints each page of the built
# HTML in reading order, and pdfunite (poppler-utils) binds them. The order
# is the pages' own tree: docs/index.md, then depth first each page an
# `@subpage` names (the chapters with their case catalogues and run logs,
# the labs, the course and its instructor notes), so a new page is in the
# PDF the moment the tree links it; a hand-kept list once left out lab 9.
# Usage: tools/docs_pdf.sh HTML_DIR OUT.pdf    (after `cmake --build build --target docs`)
# Exit: 0 written, 1 failed, 77 no chromium or pdfunite (tools/setup.sh installs them).
set -euo pipefail
html=$(realpath "${1:?usage: $0 HTML_DIR OUT.pdf}")
out=$(realpath -m "${2:?usage: $0 HTML_DIR OUT.pdf}")
browser=$(command -v chromium || command -v chromium-browser || true)
[[ -n $browser ]] && command -v pdfunite >/dev/null || { echo "SKIP: needs chromium and pdfunite (tools/setup.sh)"; exit 77; }
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Each page's label ({#label} on its title) -> its source and its HTML name
# (Doxygen's: md_ and the path with / as _; the main page is index).
declare -A source_of html_of
while IFS= read -r md; do
  label=$(grep -o -m1 '{#[A-Za-z0-9_]*}' "$md" | tr -d '{#}') || continue
  relative=${md#"$root"/}
  source_of[$label]=$md
  html_of[$label]=$([[ $label == mainpage ]] && echo index || echo "md_${relative%.md}" | tr / _)
done < <(find "$root/docs" -name '*.md' | sort)

pages=()
declare -A seen
visit() {
  local label=$1 child
  [[ -n ${source_of[$label]:-} ]] || { echo "FAIL: @subpage $label names no page in docs/" >&2; exit 1; }
  [[ -z ${seen[$label]:-} ]] || return 0
  seen[$label]=1
  pages+=("${html_of[$label]}")
  for child in $(grep -o '@subpage [A-Za-z0-9_]*' "${source_of[$label]}" | cut -d' ' -f2); do visit "$child"; done
}
visit mainpage
# A page no @subpage reaches would be left out here and float loose in the HTML.
for label in "${!source_of[@]}"; do
  [[ -n ${seen[$label]:-} ]] || { echo "FAIL: ${source_of[$label]#"$root"/} is on no page's @subpage list" >&2; exit 1; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
parts=()
for i in "${!pages[@]}"; do
  page=$html/${pages[$i]}.html
  [[ -f $page ]] || { echo "FAIL: $page is missing: build the docs first" >&2; exit 1; }
  part=$(printf '%s/%02d.pdf' "$work" "$i")
  timeout 120 "$browser" --headless=new --no-sandbox --disable-gpu --no-pdf-header-footer \
    --user-data-dir="$work/profile" --print-to-pdf="$part" "file://$page" >/dev/null 2>&1
  [[ -s $part ]] || { echo "FAIL: chromium printed nothing for $page" >&2; exit 1; }
  parts+=("$part")
done
pdfunite "${parts[@]}" "$out"
echo "PDF: $out ($(pdfinfo "$out" 2>/dev/null | awk '/^Pages:/ {print $2}') pages, from ${#pages[@]} documentation pages)"
