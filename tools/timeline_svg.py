#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Draws wgref-timeline's output (one session's events, host a and host b)
as the timers of §6 on a time axis: one row per host, a mark per event,
coloured by what it is, the handshake's and the rules' events labelled. A
long stretch with nothing happening is cut short and marked with a break,
so the 10-minute wait before the keys are erased does not squeeze the rest.
Reads the timeline on standard input and writes the SVG to the path given:

    build/reference/wgref-timeline | /usr/bin/python3 tools/timeline_svg.py docs/timeline.svg

CTest's timeline_picture_is_current redraws it and compares.
"""
import re
import sys

sys.path.insert(0, __import__("os").path.join(__import__("os").path.dirname(__file__), "..", "bench"))
from svg_page import write_svg  # noqa: E402

COLOURS = {"handshake": "#3465a4", "keepalive": "#888a85", "rekey": "#f57900",
           "session": "#4e9a06", "erased": "#cc0000", "other": "#75507b"}
GAP = 60.0        # seconds of nothing that get cut short
CUT_WIDTH = 30    # pixels a cut stretch takes
SCALE = 2.2       # pixels per second elsewhere


def kind_of(event):
    if "keepalive" in event:
        return "keepalive"
    if "handshake" in event:
        return "handshake"
    if event == "rekey":
        return "rekey"
    if "confirmed" in event:
        return "session"
    if "erased" in event:
        return "erased"
    return "other"


def main(target):
    events = []
    for line in sys.stdin:
        m = re.match(r"\s*([0-9.]+)\s+([ab])\s+(.+?)\s+(§[0-9.]+)\s*$", line)
        if m:
            events.append((float(m.group(1)), m.group(2), m.group(3), m.group(4)))
    if not events:
        sys.exit("timeline_svg: no events on standard input (run wgref-timeline)")
    # x positions: time scaled, long empty stretches cut to CUT_WIDTH.
    left, x, last, cuts, place = 60, 60.0, 0.0, [], {}
    for t, *_ in events:
        if t - last > GAP:
            cuts.append(x + CUT_WIDTH / 2)
            x += CUT_WIDTH
        else:
            x += (t - last) * SCALE
        last = t
        place[t] = x
    width, rows = int(x) + 150, {"a": 100, "b": 200}
    elements = [
        '<text x="10" y="22" font-size="14" font-weight="bold">One session\'s timers (section 6), from wgref-timeline</text>',
        f'<line x1="{left}" y1="240" x2="{x:.0f}" y2="240" stroke="black"/>',
    ]
    for host, y in rows.items():
        elements.append(f'<text x="10" y="{y + 4}" font-weight="bold">host {host}</text>')
        elements.append(f'<line x1="{left}" y1="{y}" x2="{x:.0f}" y2="{y}" stroke="#d3d7cf"/>')
    for c in cuts:  # a break in the axis: time not to scale here
        elements.append(f'<text x="{c - 6:.0f}" y="245" font-size="14">//</text>')
    seconds = {0, 121, 242}
    for t in sorted({round(t) for t, *_ in events} & seconds | {round(events[-1][0])}):
        near = min(place, key=lambda p: abs(p - t))
        elements.append(f'<text x="{place[near]:.0f}" y="258" font-size="10" text-anchor="middle">{t} s</text>')
    level = {"a": 0, "b": 0}
    last_x = {"a": -1e9, "b": -1e9}
    for t, host, event, section in events:
        k = kind_of(event)
        y = rows[host]
        cx = place[t]
        r = 3 if k == "keepalive" else 5
        elements.append(f'<circle cx="{cx:.1f}" cy="{y}" r="{r}" fill="{COLOURS[k]}"><title>{t:.3f} s, host {host}: {event} ({section})</title></circle>')
        if k != "keepalive" and event != "endpoint changed":
            # A host's labels close together stack upwards; far apart, they
            # start again at the bottom.
            level[host] = level[host] + 1 if cx - last_x[host] < 160 else 0
            last_x[host] = cx
            dy = 12 + 11 * level[host]
            elements.append(f'<line x1="{cx:.1f}" y1="{y - r}" x2="{cx:.1f}" y2="{y - dy + 3}" stroke="{COLOURS[k]}" stroke-width="0.5"/>')
            elements.append(f'<text x="{cx + 2:.1f}" y="{y - dy}" font-size="9" fill="{COLOURS[k]}">{event} {section}</text>')
    legend = [("handshake message", "handshake"), ("session confirmed", "session"), ("rekey (6.2)", "rekey"),
              ("keepalive (6.5)", "keepalive"), ("keys erased (6.3)", "erased")]
    for i, (text, k) in enumerate(legend):
        lx = 10 + i * 150
        elements.append(f'<circle cx="{lx + 5}" cy="280" r="5" fill="{COLOURS[k]}"/><text x="{lx + 14}" y="284">{text}</text>')
    elements.append('<text x="10" y="305" font-size="10">// : a stretch of more than a minute with no event, cut short</text>')
    write_svg(target, max(width, 780), 315, elements)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
