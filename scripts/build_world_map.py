"""Build the offline world outline the web UI's map draws (``src/newsgraph/web/static/world.svg``).

Source: Natural Earth's 1:110m admin-0 countries (public domain, naturalearthdata.com), as shipped inside the
``geopandas`` 0.14 wheel (``geopandas/datasets/naturalearth_lowres/naturalearth_lowres.shp``). Get it with

    pip download --no-deps geopandas==0.14.4 -d /tmp/gp && unzip -o -q /tmp/gp/geopandas-*.whl -d /tmp/gp

then run ``python scripts/build_world_map.py /tmp/gp/geopandas/datasets/naturalearth_lowres/naturalearth_lowres.shp``.

The shapefile is read with the standard library (polygon records only); rings are rounded to 0.1 degree, points
that round onto their predecessor are dropped, and each ring becomes an SVG path in an equirectangular frame
(``x = lon + 180``, ``y = 90 - lat``, viewBox ``0 0 360 180``): the map page lays its points over it in the
same frame.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "newsgraph" / "web" / "static" / "world.svg"


def polygons(shp: Path):
    """Each polygon record of a shapefile as a list of rings of (lon, lat)."""
    data = shp.read_bytes()
    pos = 100  # after the file header
    while pos + 8 <= len(data):
        _, length = struct.unpack(">ii", data[pos:pos + 8])
        body = data[pos + 8: pos + 8 + 2 * length]
        pos += 8 + 2 * length
        shape_type = struct.unpack("<i", body[:4])[0]
        if shape_type != 5:  # 5 = Polygon; null shapes and others are skipped
            continue
        n_parts, n_points = struct.unpack("<ii", body[36:44])
        parts = list(struct.unpack(f"<{n_parts}i", body[44:44 + 4 * n_parts])) + [n_points]
        base = 44 + 4 * n_parts
        points = [struct.unpack("<dd", body[base + 16 * i: base + 16 * i + 16]) for i in range(n_points)]
        yield [points[parts[i]:parts[i + 1]] for i in range(n_parts)]


def ring_path(ring) -> str:
    out, last = [], None
    for lon, lat in ring:
        pt = (round(lon + 180, 1), round(90 - lat, 1))
        if pt != last:
            out.append(pt)
            last = pt
    if len(out) < 3:
        return ""
    return "M" + "L".join(f"{x:g},{y:g}" for x, y in out) + "Z"


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    paths = []
    for polygon in polygons(Path(argv[0])):
        d = "".join(ring_path(r) for r in polygon)
        if d:
            paths.append(d)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    body = "\n".join(f'<path d="{d}"/>' for d in paths)
    OUT.write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 360 180" width="360" height="180">\n'
                   "<!-- Natural Earth 1:110m admin-0 countries (public domain), built by "
                   "scripts/build_world_map.py -->\n"
                   '<rect width="360" height="180" fill="#eef3f8"/>\n'
                   f'<g fill="#d9dee4" stroke="#8a96a3" stroke-width="0.2" stroke-linejoin="round">\n{body}\n'
                   "</g>\n</svg>\n")
    print(f"{len(paths)} shapes -> {OUT} ({OUT.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
