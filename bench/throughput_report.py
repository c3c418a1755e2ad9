#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Draws bench/throughput.sh's CSV as a bar chart: for each path, the median
Gbit/s over the rounds with one stream and with four (left), and what each
GB cost in CPU seconds of the whole machine (right), every round's figure
marked on its bar so the spread shows.
Usage: /usr/bin/python3 bench/throughput_report.py CSV SVG"""
import csv
import statistics
import sys
from collections import defaultdict

sys.path.insert(0, __import__("os").path.dirname(__file__))
from svg_page import write_svg  # noqa: E402

COLOURS = {"1": "#3465a4", "4": "#73a9e0"}


def main(source, target):
    rows = list(csv.DictReader(open(source)))
    paths = list(dict.fromkeys(r["path"] for r in rows))
    figures = defaultdict(list)
    for r in rows:
        figures[(r["path"], r["streams"], "gbit")].append(float(r["gbit_per_s"]))
        figures[(r["path"], r["streams"], "cost")].append(float(r["machine_cpu_s_per_gb"]))
    left, label_width, panel, gap, row = 10, 170, 300, 70, 44
    top = 50
    height = top + row * len(paths) + 40
    width = left + label_width + 2 * panel + gap + 60
    elements = [
        f'<text x="{left}" y="20" font-size="14" font-weight="bold">iperf3 TCP between two namespaces: median of the rounds (ticks: each round)</text>',
        f'<rect x="{left}" y="28" width="10" height="10" fill="{COLOURS["1"]}"/><text x="{left + 14}" y="37">1 stream</text>',
        f'<rect x="{left + 80}" y="28" width="10" height="10" fill="{COLOURS["4"]}"/><text x="{left + 94}" y="37">4 streams</text>',
    ]
    for p_index, (kind, title) in enumerate((("gbit", "Gbit/s (more is better)"), ("cost", "CPU seconds per GB, whole machine (less is better)"))):
        x0 = left + label_width + p_index * (panel + gap)
        # veth is the ceiling of speed, far off the scale: clip it and say so.
        values = [v for (path, s, k), vs in figures.items() if k == kind and path != "veth" for v in vs]
        scale_max = max(values) * 1.15 if values else 1
        elements.append(f'<text x="{x0}" y="{top - 4}" font-weight="bold">{title}</text>')
        elements.append(f'<line x1="{x0}" y1="{top}" x2="{x0}" y2="{top + row * len(paths)}" stroke="black"/>')
        for i, path in enumerate(paths):
            y = top + i * row + 6
            if p_index == 0:
                elements.append(f'<text x="{left}" y="{y + 20}">{path}</text>')
            for j, streams in enumerate(("1", "4")):
                vs = figures.get((path, streams, kind), [])
                if not vs:
                    continue
                m = statistics.median(vs)
                w = panel * min(m, scale_max) / scale_max
                by = y + j * 16
                elements.append(f'<rect x="{x0}" y="{by}" width="{w:.1f}" height="14" fill="{COLOURS[streams]}"/>')
                for v in vs:
                    tx = x0 + panel * min(v, scale_max) / scale_max
                    elements.append(f'<line x1="{tx:.1f}" y1="{by}" x2="{tx:.1f}" y2="{by + 14}" stroke="black" stroke-width="1"/>')
                if m > scale_max:  # off the scale: the figure inside the bar's end
                    elements.append(f'<text x="{x0 + w - 4:.1f}" y="{by + 11}" font-size="11" fill="white" '
                                    f'text-anchor="end">{m:.2f} (off the scale)</text>')
                else:
                    end = x0 + panel * min(max(vs), scale_max) / scale_max
                    elements.append(f'<text x="{end + 4:.1f}" y="{by + 11}" font-size="11">{m:.2f}</text>')
    write_svg(target, width, height, elements)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
