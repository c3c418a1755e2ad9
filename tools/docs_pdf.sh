#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The documentation as one PDF, for reading away from a browser or handing
# out in a course: Debian's chromium, headless, prints each page of the built
# HTML in reading order (the index, chapters 0 to 11, the labs, the course
# and its instructor notes), and pdfunite (poppler-utils) binds them.
# Usage: tools/docs_pdf.sh HTML_DIR OUT.pdf    (after `cmake --build build --target docs`)
# Exit: 0 written, 1 failed, 77 no chromium or pdfunite (tools/setup.sh installs them).
set -euo pipefail
html=$(realpath "${1:?usage: $0 HTML_DIR OUT.pdf}")
out=$(realpath -m "${2:?usage: $0 HTML_DIR OUT.pdf}")
browser=$(command -v chromium || command -v chromium-browser || true)
[[ -n $browser ]] && command -v pdfunite >/dev/null || { echo "SKIP: needs chromium and pdfunite (tools/setup.sh)"; exit 77; }
pages=(index md_docs_datagram_trip md_docs_handshake md_docs_routing md_docs_transport md_docs_cookies
       md_docs_timers md_docs_device md_docs_running md_docs_conformance md_docs_scale md_docs_reliability
       md_docs_making_it_fast md_docs_lab1 md_docs_lab2 md_docs_course_index md_docs_course_lab3
       md_docs_course_lab4 md_docs_course_lab5 md_docs_course_lab6 md_docs_course_lab7 md_docs_course_lab8
       md_docs_course_instructor)
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
echo "PDF: $out ($(pdfinfo "$out" 2>/dev/null | awk '/^Pages:/ {print $2}') pages, ${#pages[@]} chapters and labs)"
