#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Looks at the built documentation the way a reader does: Debian's chromium,
headless, opens the HTML and saves a screenshot of the index and of the
timers chapter, and this test inspects the pixels:
  - the index is a page, not a blank or an error: dark text on a light
    background, in more than a handful of colours;
  - the timers chapter shows its picture (docs/timeline.svg, drawn from
    wgref-timeline): the red of erased keys, the green of a confirmed session
    and the blue of handshake messages, colours the page's own style never uses.
The screenshots stay in the HTML directory (screenshot-*.png) to look at.
Usage: docs_screenshot_test.py HTML_DIR [PAGE_WITH_PICTURE]
Exit: 0 pass, 1 fail, 77 no chromium (tools/setup.sh installs it).
"""
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib


def png_pixels(path):
    """(width, height, rows of (r, g, b)) of an 8-bit RGB or RGBA PNG."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    at, idat, header = 8, b"", None
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        body = data[at + 8:at + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        at += 12 + length
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in (2, 6) or interlace:
        raise ValueError(f"unsupported PNG (depth {depth}, colour type {colour}, interlace {interlace})")
    step = 3 if colour == 2 else 4
    raw, stride, rows, previous = zlib.decompress(idat), width * step, [], bytearray(width * step)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):  # PNG's five row filters
            a = line[x - step] if x >= step else 0
            b = previous[x]
            c = previous[x - step] if x >= step else 0
            if kind == 1:
                line[x] = (line[x] + a) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + b) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 0xFF
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        rows.append([tuple(line[x:x + 3]) for x in range(0, stride, step)])
        previous = line
    return width, height, rows


def screenshot(browser, page, out, height):
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                        f"--user-data-dir={profile}", f"--window-size=1200,{height}", f"--screenshot={out}",
                        "file://" + os.path.abspath(page)], check=True, capture_output=True, timeout=120)


def near(pixel, colour, slack=40):
    return all(abs(p - c) <= slack for p, c in zip(pixel, colour))


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    html = sys.argv[1]
    picture_page = sys.argv[2] if len(sys.argv) == 3 else "md_docs_timers.html"
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if not browser:
        print("SKIP: no chromium (tools/setup.sh installs it)")
        sys.exit(77)
    failures = 0

    index = os.path.join(html, "screenshot-index.png")
    screenshot(browser, os.path.join(html, "index.html"), index, 1600)
    width, height, rows = png_pixels(index)
    pixels = [p for row in rows[::4] for p in row[::4]]
    dark = sum(1 for p in pixels if max(p) < 96) / len(pixels)
    colours = len(set(pixels))
    ok = 0.002 < dark < 0.5 and colours > 20
    print(f"{'PASS' if ok else 'FAIL'}: the index renders: {width}x{height}, {dark:.1%} dark pixels, {colours} colours ({index})")
    failures += not ok

    shot = os.path.join(html, "screenshot-picture.png")
    screenshot(browser, os.path.join(html, picture_page), shot, 4000)
    _, _, rows = png_pixels(shot)
    pixels = [p for row in rows for p in row]
    wanted = {"red (keys erased)": (0xCC, 0x00, 0x00), "green (session confirmed)": (0x4E, 0x9A, 0x06),
              "blue (handshake messages)": (0x34, 0x65, 0xA4)}
    for name, colour in wanted.items():
        count = sum(1 for p in pixels if near(p, colour))
        ok = count >= 20
        print(f"{'PASS' if ok else 'FAIL'}: {picture_page} shows its picture's {name}: {count} pixels")
        failures += not ok
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
