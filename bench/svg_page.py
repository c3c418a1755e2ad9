# SPDX-License-Identifier: MIT
"""The page every chart of bench/ is drawn on: an SVG of the given size, white,
in a sans-serif font, holding the elements a report script made (text, lines,
rectangles: no plotting library needed). Imported by scale_report.py,
soak_report.py and flood_report.py, which sit beside it."""


def write_svg(path, width, height, elements):
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="sans-serif" font-size="12"><rect width="100%" height="100%" fill="white"/>'
           + "".join(elements) + "</svg>\n")
    with open(path, "w") as f:
        f.write(svg)
    print("chart:", path)
