#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The table and chart of bench/flood.sh, from its CSV.

Prints, per target, the median over the rounds of: initiations sent per
second, cookie replies per second (and as a share of what was sent), the
answers to one source's initiations with mac2 against its limit, the pings
the established session got back, and its slowest ping. --svg FILE writes a
bar chart (drawn here, no plotting library needed): initiations sent and
cookie replies per second, side by side for each target, and the slowest ping.
Usage: flood_report.py CSV [--svg FILE]
"""
import csv
import statistics
import sys

from svg_page import write_svg

ORDER = ["wgref", "wireguard-go", "wireguard-go-modern", "linux"]
LABELS = {"wgref": "wgref", "wireguard-go": "wireguard-go 0.0.20220316", "wireguard-go-modern": "wireguard-go 0.0.20250522",
          "linux": "Linux 6.1 (qemu, TCG)"}


def read(path):
    runs = {}
    with open(path) as f:
        for row in csv.DictReader(f):
            runs.setdefault(row["target"], []).append(row)
    return {k: runs[k] for k in ORDER if k in runs} | {k: v for k, v in runs.items() if k not in ORDER}


def median(rows, key):
    values = [float(r[key]) for r in rows if r[key] != ""]
    return statistics.median(values) if values else float("nan")


def table(runs):
    print("%-27s %6s %11s %13s %7s %14s %9s %10s" % ("target", "runs", "sent/s", "cookies/s", "share",
                                                    "mac2 answered", "pings", "slowest"))
    for kind, rows in runs.items():
        sent, cookies = median(rows, "sent_per_s"), median(rows, "cookie_replies_per_s")
        print("%-27s %6d %11.0f %13.0f %6.0f%% %8.0f of %-3.0f %4.0f/%-4.0f %7.0f ms" % (
            LABELS.get(kind, kind), len(rows), sent, cookies, 100 * cookies / sent if sent else 0,
            median(rows, "mac2_answered"), median(rows, "mac2_limit"), min(float(r["pings_answered"]) for r in rows),
            median(rows, "pings"), median(rows, "slowest_ping_ms")))
        verdicts = sorted({r["verdict"] for r in rows})
        print("%-27s verdicts: %s" % ("", ", ".join(verdicts)))


def chart(runs, path):
    kinds = list(runs)
    width, height, pad_left, pad_bottom, top = 760, 330, 70, 70, 40
    plot_w, plot_h = 470, height - top - pad_bottom
    sent = [median(runs[k], "sent_per_s") for k in kinds]
    cookies = [median(runs[k], "cookie_replies_per_s") for k in kinds]
    slowest = [median(runs[k], "slowest_ping_ms") for k in kinds]
    top_value = max(sent + cookies) * 1.1 or 1
    step = 10 ** (len(str(int(top_value))) - 1)
    g = [f'<text x="{pad_left + plot_w / 2}" y="22" text-anchor="middle" font-weight="bold">'
         'Initiations per second: sent by the harness, answered with a cookie</text>']
    y_of = lambda v: top + plot_h - v / top_value * plot_h
    tick = 0
    while tick <= top_value:
        y = y_of(tick)
        g.append(f'<line x1="{pad_left}" y1="{y:.1f}" x2="{pad_left + plot_w}" y2="{y:.1f}" stroke="#eee"/>')
        g.append(f'<text x="{pad_left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="10">{tick:,.0f}</text>')
        tick += step
    group = plot_w / len(kinds)
    for i, kind in enumerate(kinds):
        x = pad_left + i * group + group * 0.15
        bar = group * 0.35
        for j, (value, colour) in enumerate(((sent[i], "#9e9e9e"), (cookies[i], "#1f77b4"))):
            y = y_of(value)
            g.append(f'<rect x="{x + j * bar:.1f}" y="{y:.1f}" width="{bar - 2:.1f}" height="{top + plot_h - y:.1f}" fill="{colour}"/>')
            g.append(f'<text x="{x + j * bar + bar / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle" font-size="9">{value / 1000:.0f}k</text>')
        words = LABELS.get(kind, kind).split(" ", 1)
        for line, text in enumerate(words):
            g.append(f'<text x="{pad_left + i * group + group / 2:.1f}" y="{top + plot_h + 16 + 13 * line}" '
                     f'text-anchor="middle" font-size="10">{text}</text>')
    g.append(f'<rect x="{pad_left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#999"/>')
    # The established session's slowest ping, on its own small panel.
    ox, pw = pad_left + plot_w + 60, width - (pad_left + plot_w + 60) - 20
    g.append(f'<text x="{ox + pw / 2}" y="22" text-anchor="middle" font-weight="bold">Slowest ping (ms)</text>')
    top_ms = max(slowest) * 1.2 or 1
    for i, kind in enumerate(kinds):
        bar_h = plot_h / len(kinds)
        y = top + i * bar_h + bar_h * 0.2
        w = slowest[i] / top_ms * (pw - 40)
        g.append(f'<rect x="{ox}" y="{y:.1f}" width="{w:.1f}" height="{bar_h * 0.6:.1f}" fill="#2ca02c"/>')
        g.append(f'<text x="{ox + w + 4:.1f}" y="{y + bar_h * 0.4:.1f}" font-size="10">{slowest[i]:.0f}</text>')
        g.append(f'<text x="{ox}" y="{y - 2:.1f}" font-size="9">{LABELS.get(kind, kind)}</text>')
    legend_y = height - 18
    for i, (text, colour) in enumerate((("sent by the harness", "#9e9e9e"), ("cookie replies received", "#1f77b4"),
                                        ("slowest ping of the session (right)", "#2ca02c"))):
        x = pad_left + i * 220
        g.append(f'<rect x="{x}" y="{legend_y - 10}" width="12" height="12" fill="{colour}"/>')
        g.append(f'<text x="{x + 16}" y="{legend_y}" font-size="11">{text}</text>')
    write_svg(path, width, height, g)


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    runs = read(args[0])
    table(runs)
    if "--svg" in args:
        chart(runs, args[args.index("--svg") + 1])


if __name__ == "__main__":
    main()
