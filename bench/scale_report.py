#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The table and chart of bench/scale.sh, from its CSV.

Prints each figure per implementation and N, how each grows from one N to
the next (linear growth: the time ratio equals the N ratio), and throughput
with N peers as a share of that with one. --chart FILE writes a log-log SVG:
one panel per figure, a line per implementation (drawn here, no plotting
library needed).
Usage: scale_report.py CSV [--chart FILE]
"""
import csv
import math
import sys

from svg_page import write_svg

FIGURES = [("setconf_s", "wg setconf (s)"), ("show_s", "wg show (s)"),
           ("bytes_per_peer", "memory per peer (bytes)"), ("handshake_ms", "handshake, last peer (ms)"),
           ("gbit_s", "1-stream TCP (Gbit/s)")]
COLOURS = {"wgref": "#1f77b4", "wireguard-go": "#d62728"}


def read(path):
    rows = {}
    with open(path) as f:
        for row in csv.DictReader(f):
            rows.setdefault(row["implementation"], {})[int(row["peers"])] = {k: float(v) for k, v in row.items()
                                                                          if k not in ("implementation", "peers")}
    return rows


def table(rows):
    kinds = sorted(rows)
    counts = sorted({n for k in kinds for n in rows[k]})
    print("%-13s %8s %11s %9s %10s %10s %11s %9s" % ("", "peers", "setconf s", "show s", "RSS MiB", "B/peer",
                                                   "handshake", "Gbit/s"))
    for kind in kinds:
        for n in counts:
            r = rows[kind].get(n)
            if not r:
                continue
            if math.isnan(r["setconf_s"]):
                print("%-13s %8d   refused: wg setconf failed" % (kind, n))
                continue
            print("%-13s %8d %11.3f %9.3f %10.1f %10s %9.2f ms %9.3f" % (
                kind, n, r["setconf_s"], r["show_s"], r["rss_kib"] / 1024,
                "-" if n == 1 else "%d" % r["bytes_per_peer"], r["handshake_ms"], r["gbit_s"]))
    print()
    for kind in kinds:
        r = {n: v for n, v in rows[kind].items() if not math.isnan(v["setconf_s"])}
        ns = sorted(r)
        for a, b in zip(ns, ns[1:]):
            if a < 1000:
                continue
            print("%-13s %d -> %d peers (x%.0f): setconf x%.1f, show x%.1f" % (
                kind, a, b, b / a, r[b]["setconf_s"] / max(r[a]["setconf_s"], 1e-9),
                r[b]["show_s"] / max(r[a]["show_s"], 1e-9)))
        if 1 in r:
            for n in ns:
                if n > 1:
                    print("%-13s throughput with %d peers: %.2f of that with 1" % (kind, n, r[n]["gbit_s"] / r[1]["gbit_s"]))


def chart(rows, path):
    width, height, pad = 330, 250, 48
    panels = []
    for index, (key, title) in enumerate(FIGURES):
        points = {k: [(n, v[key]) for n, v in sorted(r.items()) if n > 1 and v[key] > 0 and not math.isnan(v[key])]
                  for k, r in rows.items()}
        values = [y for p in points.values() for _, y in p]
        xs = [x for p in points.values() for x, _ in p]
        if not values:
            continue
        x0, x1 = math.log10(min(xs)), math.log10(max(xs))
        y0, y1 = math.floor(math.log10(min(values))), math.ceil(math.log10(max(values)))
        if y1 == y0:
            y1 += 1
        if x1 == x0:
            x1 += 1
        ox, oy = (index % 3) * width, (index // 3) * height
        sx = lambda x: ox + pad + (math.log10(x) - x0) / (x1 - x0) * (width - 2 * pad)
        sy = lambda y: oy + height - pad + -(math.log10(y) - y0) / (y1 - y0) * (height - 2 * pad)
        g = [f'<text x="{ox + width / 2}" y="{oy + 18}" text-anchor="middle" font-weight="bold">{title}</text>',
             f'<rect x="{ox + pad}" y="{oy + pad}" width="{width - 2 * pad}" height="{height - 2 * pad}" fill="none" stroke="#999"/>']
        for e in range(int(y0), int(y1) + 1):
            y = sy(10 ** e)
            g.append(f'<line x1="{ox + pad}" y1="{y:.1f}" x2="{ox + width - pad}" y2="{y:.1f}" stroke="#eee"/>')
            g.append(f'<text x="{ox + pad - 4}" y="{y + 4:.1f}" text-anchor="end" font-size="10">1e{e}</text>')
        for n in sorted(set(xs)):
            g.append(f'<text x="{sx(n):.1f}" y="{oy + height - pad + 14}" text-anchor="middle" font-size="10">{n:,}</text>')
        g.append(f'<text x="{ox + width / 2}" y="{oy + height - 12}" text-anchor="middle" font-size="10">peers</text>')
        for kind, p in points.items():
            if not p:
                continue
            d = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in p)
            g.append(f'<polyline points="{d}" fill="none" stroke="{COLOURS.get(kind, "#333")}" stroke-width="2"/>')
            for x, y in p:
                g.append(f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="3" fill="{COLOURS.get(kind, "#333")}"/>')
        panels += g
    legend_y = 2 * height - 60
    for i, kind in enumerate(sorted(rows)):
        panels.append(f'<rect x="{2 * width + 60}" y="{legend_y + 22 * i}" width="14" height="14" fill="{COLOURS.get(kind, "#333")}"/>')
        panels.append(f'<text x="{2 * width + 80}" y="{legend_y + 22 * i + 12}">{kind}</text>')
    write_svg(path, 3 * width, 2 * height, panels)


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    rows = read(args[0])
    table(rows)
    if "--chart" in args:
        chart(rows, args[args.index("--chart") + 1])


if __name__ == "__main__":
    main()
