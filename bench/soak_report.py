#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The summary and chart of bench/soak.sh, from its CSV.

Prints, for wgref and wireguard-go: resident memory first/min/max/last and
its trend after warm-up, open fds first/max/last, CPU seconds in all and per
minute; then pings sent and lost (in flap intervals, in the interval right
after a flap, and elsewhere), handshakes seen by each side, the tunnel's
traffic and the datagrams each daemon's full socket receive buffer dropped.
--svg FILE draws stacked panels sharing the time axis (memory, fds, CPU %,
tunnel traffic, lost pings, receive-buffer drops, handshakes), flaps as
shaded bands; drawn here as in scale_report.py, no plotting library needed.
Usage: soak_report.py CSV [--svg FILE]
"""
import csv
import math
import sys

from svg_page import write_svg

COLOURS = {"wgref": "#1f77b4", "wireguard-go": "#d62728"}
SIDES = [("wgref", "wgref"), ("wireguard-go", "wggo")]  # name, CSV column prefix
FLAP_FILL = "#fdd9a8"
WARM_UP_S = 120  # memory trend is fitted after this, once pools and queues are in use


def read(path):
    with open(path) as f:
        return [{k: float(v) for k, v in row.items()} for row in csv.DictReader(f)]


def cpu_percent(rows, prefix):
    """CPU % of one core per interval, from the CPU-seconds deltas (0 for the first row)."""
    out = [0.0]
    for a, b in zip(rows, rows[1:]):
        dt = b["elapsed_s"] - a["elapsed_s"]
        out.append(100 * (b[prefix + "_cpu_s"] - a[prefix + "_cpu_s"]) / dt if dt > 0 else 0.0)
    return out


def mbit_per_s(rows):
    """wgref's tunnel traffic per interval, received plus sent, in Mbit/s."""
    out = [0.0]
    for a, b in zip(rows, rows[1:]):
        dt = b["elapsed_s"] - a["elapsed_s"]
        moved = (b["wgref_rx_bytes"] - a["wgref_rx_bytes"]) + (b["wgref_tx_bytes"] - a["wgref_tx_bytes"])
        out.append(8 * moved / dt / 1e6 if dt > 0 else 0.0)
    return out


def per_interval(rows, key):
    """Increments of a cumulative column, one per row (0 for the first)."""
    return [0.0] + [b[key] - a[key] for a, b in zip(rows, rows[1:])]


def slope_per_minute(points):
    """Least-squares slope of (seconds, value) points, per minute; 0 with fewer than two."""
    if len(points) < 2:
        return 0.0
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    return 60 * sum((x - mx) * (y - my) for x, y in points) / sxx if sxx else 0.0


def summary(rows):
    first, last = rows[0], rows[-1]
    minutes = last["elapsed_s"] / 60
    print("soak of %.1f min, %d samples" % (minutes, len(rows) - 1))
    lines = []  # (label, format, one value per side)
    for name, p in SIDES:
        rss = [r[p + "_rss_kb"] / 1024 for r in rows]
        fds = [int(r[p + "_fds"]) for r in rows]
        cpu = last[p + "_cpu_s"] - first[p + "_cpu_s"]
        later = [(r["elapsed_s"], r[p + "_rss_kb"]) for r in rows if r["elapsed_s"] >= WARM_UP_S]
        lines.append([("RSS MiB first", "%.1f", rss[0]), ("RSS MiB min", "%.1f", min(rss)),
                      ("RSS MiB max", "%.1f", max(rss)), ("RSS MiB last", "%.1f", rss[-1]),
                      ("RSS trend after %d s, KiB/min" % WARM_UP_S, "%+.1f", slope_per_minute(later)),
                      ("open fds first", "%d", fds[0]), ("open fds max", "%d", max(fds)), ("open fds last", "%d", fds[-1]),
                      ("CPU seconds in all", "%.1f", cpu), ("CPU seconds per minute", "%.2f", cpu / minutes if minutes else 0),
                      ("CPU, % of one core", "%.1f", 100 * cpu / last["elapsed_s"] if last["elapsed_s"] else 0)])
    print("%-32s %12s %14s" % ("", SIDES[0][0], SIDES[1][0]))
    for ours, theirs in zip(*lines):
        print("%-32s %12s %14s" % (ours[0], ours[1] % ours[2], theirs[1] % theirs[2]))
    flap_rows = {i for i, r in enumerate(rows) if r["flap"]}
    after_rows = {i + 1 for i in flap_rows if i + 1 < len(rows)} - flap_rows
    lost = lambda idx: sum(int(rows[i]["pings_lost"]) for i in idx)
    sent = sum(int(r["pings_sent"]) for r in rows)
    everything = set(range(len(rows)))
    print("pings: %d sent, %d lost (%.3f%%); %d flaps: %d lost in flap intervals, %d in the interval after, "
          "%d elsewhere" % (sent, lost(everything), 100 * lost(everything) / sent if sent else 0, len(flap_rows),
                            lost(flap_rows), lost(after_rows), lost(everything - flap_rows - after_rows)))
    quiet = [(rows[i]["elapsed_s"], int(rows[i]["pings_lost"])) for i in sorted(everything - flap_rows - after_rows)
             if rows[i]["pings_lost"]]
    if quiet:
        print("  losses away from flaps (elapsed s, lost): " + ", ".join("%.0f: %d" % q for q in quiet))
    print("handshakes seen: wgref %d, wireguard-go %d (REKEY_AFTER_TIME alone would give about %d)" % (
        last["wgref_handshakes"], last["wggo_handshakes"], 1 + last["elapsed_s"] // 120))
    if "wgref_rcvbuf_drops" in last:
        print("UDP datagrams dropped at a full socket receive buffer: wgref %d, wireguard-go %d" % (
            last["wgref_rcvbuf_drops"] - first["wgref_rcvbuf_drops"], last["wggo_rcvbuf_drops"] - first["wggo_rcvbuf_drops"]))
        drops = per_interval(rows, "wgref_rcvbuf_drops")
        quiet_rows = [i for i in sorted(everything - flap_rows - after_rows) if rows[i]["pings_lost"]]
        if quiet_rows:
            print("  of the %d intervals with pings lost away from flaps, %d had wgref receive-buffer drops "
                  "(as had %d of all %d intervals)" % (len(quiet_rows), sum(1 for i in quiet_rows if drops[i] > 0),
                                                      sum(1 for d in drops[1:] if d > 0), len(rows) - 1))
    moved = last["wgref_rx_bytes"] + last["wgref_tx_bytes"]
    print("tunnel traffic at wgref: %.2f GB received, %.2f GB sent, %.1f Mbit/s on average both ways" % (
        last["wgref_rx_bytes"] / 1e9, last["wgref_tx_bytes"] / 1e9,
        8 * moved / last["elapsed_s"] / 1e6 if last["elapsed_s"] else 0))


def nice_step(top, ticks=4):
    """A step of 1, 2 or 5 times a power of ten giving about `ticks` intervals up to top."""
    raw = top / ticks if top > 0 else 1
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def chart(rows, path):
    width, panel_h, left, right, top, gap = 900, 150, 70, 20, 56, 42
    times = [r["elapsed_s"] / 60 for r in rows]
    t1 = max(times[-1], 1e-9)
    panels = [
        ("resident memory (MiB)", [(n, [r[p + "_rss_kb"] / 1024 for r in rows]) for n, p in SIDES], "line"),
        ("open file descriptors", [(n, [r[p + "_fds"] for r in rows]) for n, p in SIDES], "line"),
        ("CPU (% of one core)", [(n, cpu_percent(rows, p)) for n, p in SIDES], "rate"),
        ("tunnel traffic at wgref, both ways (Mbit/s)", [("wgref", mbit_per_s(rows))], "rate"),
        ("pings lost per interval (of about %d sent)" % max((int(r["pings_sent"]) for r in rows), default=0),
         [("lost", [r["pings_lost"] for r in rows])], "bars"),
    ]
    if "wgref_rcvbuf_drops" in rows[0]:
        panels.append(("UDP datagrams dropped at a full socket receive buffer, per interval",
                       [(n, per_interval(rows, p + "_rcvbuf_drops")) for n, p in SIDES], "rate"))
    panels += [
        ("handshakes seen so far", [(n, [r[p + "_handshakes"] for r in rows]) for n, p in SIDES], "step"),
    ]
    height = top + len(panels) * (panel_h + gap) + 20
    plot_w = width - left - right
    sx = lambda t: left + t / t1 * plot_w
    g = [f'<text x="{width / 2}" y="20" text-anchor="middle" font-weight="bold" font-size="14">'
         f'soak: wgref and wireguard-go, {t1:.0f} min, flaps shaded</text>']
    # Legend, once for all panels.
    lx = left
    for label, colour in [("wgref", COLOURS["wgref"]), ("wireguard-go", COLOURS["wireguard-go"]), ("link flap", FLAP_FILL)]:
        g.append(f'<rect x="{lx}" y="32" width="14" height="12" fill="{colour}"/>')
        g.append(f'<text x="{lx + 20}" y="43">{label}</text>')
        lx += 130
    # A flap row's interval is (previous elapsed, its elapsed]: that is the band.
    bands = [(times[i - 1], times[i]) for i in range(1, len(rows)) if rows[i]["flap"]]
    for index, (title, series, kind) in enumerate(panels):
        oy = top + index * (panel_h + gap) + 18
        values = [v for _, s in series for v in s if not math.isnan(v)]
        step = nice_step(max(values, default=0))
        y1 = max(step, math.ceil(max(values, default=0) / step) * step)
        sy = lambda v: oy + panel_h - v / y1 * panel_h
        g.append(f'<text x="{left}" y="{oy - 6}" font-weight="bold">{title}</text>')
        for a, b in bands:
            g.append(f'<rect x="{sx(a):.1f}" y="{oy}" width="{max(sx(b) - sx(a), 1):.1f}" height="{panel_h}" fill="{FLAP_FILL}"/>')
        tick = 0.0
        while tick <= y1 + 1e-9:
            y = sy(tick)
            g.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#eee"/>')
            g.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" font-size="10">{tick:g}</text>')
            tick += step
        g.append(f'<rect x="{left}" y="{oy}" width="{plot_w}" height="{panel_h}" fill="none" stroke="#999"/>')
        minute_step = nice_step(t1, 10)
        m = 0.0
        while m <= t1 + 1e-9:
            g.append(f'<text x="{sx(m):.1f}" y="{oy + panel_h + 13}" text-anchor="middle" font-size="10">{m:g}</text>')
            m += minute_step
        for name, s in series:
            colour = COLOURS.get(name, "#555")
            if kind == "bars":
                for i in range(1, len(rows)):
                    if s[i] > 0:
                        x0, x1 = sx(times[i - 1]), sx(times[i])
                        g.append(f'<rect x="{x0:.1f}" y="{sy(s[i]):.1f}" width="{max(x1 - x0 - 1, 1):.1f}" '
                                 f'height="{oy + panel_h - sy(s[i]):.1f}" fill="#555"/>')
                continue
            if kind == "step":
                pts = [(times[0], s[0])]
                for i in range(1, len(rows)):
                    pts += [(times[i], s[i - 1]), (times[i], s[i])]
            elif kind == "rate":
                # Rates belong to intervals: drawn from the second sample on.
                pts = list(zip(times[1:], s[1:]))
            else:
                pts = list(zip(times, s))
            d = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in pts)
            # The first series wide, the next thin on top: equal values (fds,
            # handshakes) still show both.
            g.append(f'<polyline points="{d}" fill="none" stroke="{colour}" stroke-width="{3 if name == series[0][0] else 1.5}"/>')
    g.append(f'<text x="{left + plot_w / 2}" y="{height - 8}" text-anchor="middle">minutes since start</text>')
    write_svg(path, width, height, g)


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    rows = read(args[0])
    if len(rows) < 2:
        sys.exit("%s: fewer than two samples" % args[0])
    summary(rows)
    if "--svg" in args:
        chart(rows, args[args.index("--svg") + 1])


if __name__ == "__main__":
    main()
