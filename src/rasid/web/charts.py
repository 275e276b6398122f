"""Chart geometry for the pages: plain numbers the SVG templates draw, no plotting library.

Charts keep time running left to right in both languages (their container is ``dir="ltr"``),
as Arabic news graphics usually do.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

PALETTE = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#ff7f0e",
    "#17becf",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
)


def nice_max(value: float) -> float:
    """A round axis maximum at or above ``value`` (1, 2, 5 times a power of ten)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return float(step * power)
    return float(10 * power)


def _fmt(value: float) -> str:
    if value >= 1000 and value % 1000 == 0:
        return f"{int(value / 1000)}k"
    return f"{value:g}"


def stacked_bars(
    buckets: Sequence[Mapping[str, Any]],
    series: Sequence[str],
    colors: Mapping[str, str],
    *,
    part: str = "by_type",
    label: Callable[[str], str] = str,
    width: int = 960,
    height: int = 200,
) -> dict[str, Any]:
    """Bars per bucket (``key``, ``count``, ``{part: {series: n}}``), stacked in series order."""
    left, right, top, bottom = 36, 8, 10, 22
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(len(buckets), 1)
    step = plot_w / n
    ymax = nice_max(max((b["count"] for b in buckets), default=0))
    bars = []
    for i, b in enumerate(buckets):
        x = left + i * step
        y = top + plot_h
        segments = []
        counts = b.get(part, {})
        for name in series:
            count = counts.get(name, 0)
            if not count:
                continue
            h = count / ymax * plot_h
            y -= h
            segments.append(
                {
                    "y": round(y, 2),
                    "h": round(h, 2),
                    "color": colors.get(name, "#888"),
                    "name": name,
                    "label": label(name),
                    "count": count,
                }
            )
        bars.append(
            {
                "x": round(x + step * 0.1, 2),
                "w": round(max(step * 0.8, 0.6), 2),
                "key": b["key"],
                "count": b["count"],
                "segments": segments,
            }
        )
    # counts are whole numbers: no tick at 2.5
    yticks = [
        {"y": round(top + plot_h - f * plot_h, 2), "label": _fmt(ymax * f)}
        for f in (0, 0.5, 1)
        if (ymax * f).is_integer()
    ]
    xticks = _time_ticks([str(b["key"]) for b in buckets], left, step)
    _anchor(xticks, left, width - right)
    return {
        "width": width,
        "height": height,
        "left": left,
        "base": top + plot_h,
        "right": width - right,
        "bars": bars,
        "yticks": yticks,
        "xticks": xticks,
        "legend": [
            {"name": s, "label": label(s), "color": colors.get(s, "#888")}
            for s in series
            if any(b.get(part, {}).get(s) for b in buckets)
        ],
    }


def _time_ticks(
    keys: Sequence[str], left: float, step: float, most: int = 10
) -> list[dict[str, Any]]:
    """Labels at the first bucket of each month (weeks, days) or year (months), thinned."""
    if not keys:
        return []
    marks: list[tuple[int, str]] = []
    prev = ""
    for i, key in enumerate(keys):
        unit = key[:4] if len(key) == 7 and len(keys) > 24 else key[:7]
        if len(key) == 4:
            unit = key
        if unit != prev:
            marks.append((i, unit))
            prev = unit
    every = max(1, math.ceil(len(marks) / most))
    return [
        {"x": round(left + i * step + step / 2, 2), "label": unit} for i, unit in marks[::every]
    ]


def _anchor(ticks: list[dict[str, Any]], lo: float, hi: float) -> None:
    """Labels at the edges grow inwards, so none is cut off."""
    for tick in ticks:
        tick["anchor"] = (
            "start" if tick["x"] - lo < 30 else "end" if hi - tick["x"] < 30 else "middle"
        )


def _date_ticks(lo: float, hi: float, sx: Callable[[float], float]) -> list[dict[str, Any]]:
    """Year starts when the range holds two or more, else month starts, at most about eight."""
    first, last = dt.date.fromordinal(int(lo)), dt.date.fromordinal(int(hi))
    years = [dt.date(y, 1, 1) for y in range(first.year, last.year + 1)]
    days = [d for d in years if lo <= d.toordinal() <= hi]
    label = "%Y"
    if len(days) < 2:
        months = [dt.date(y, m, 1) for y in range(first.year, last.year + 1) for m in range(1, 13)]
        days = [d for d in months if lo <= d.toordinal() <= hi]
        label = "%Y-%m"
    every = max(1, math.ceil(len(days) / 8))
    return [{"x": sx(float(d.toordinal())), "label": d.strftime(label)} for d in days[::every]]


def _day_number(value: str | None) -> float | None:
    """Ordinal day of an ISO date; a month or year date sits in its middle."""
    if not value:
        return None
    try:
        if len(value) >= 10:
            return float(dt.date.fromisoformat(value[:10]).toordinal())
        if len(value) == 7:
            return dt.date(int(value[:4]), int(value[5:7]), 15).toordinal() + 0.0
        return dt.date(int(value[:4]), 7, 1).toordinal() + 0.0
    except ValueError:
        return None


def series_chart(
    points: Sequence[Mapping[str, Any]], *, width: int = 900, height: int = 300
) -> dict[str, Any]:
    """Dots (one per report) and a line per outlet of a quantity over time."""
    left, right, top, bottom = 52, 12, 12, 26
    plot_w, plot_h = width - left - right, height - top - bottom
    dated = [(d, p) for p in points if (d := _day_number(p.get("as_of"))) is not None]
    if not dated:
        return {
            "width": width,
            "height": height,
            "dots": [],
            "lines": [],
            "legend": [],
            "yticks": [],
            "xticks": [],
            "left": left,
            "base": top + plot_h,
            "right": width - right,
        }
    lo, hi = min(d for d, _ in dated), max(d for d, _ in dated)
    if hi - lo < 30:
        lo, hi = lo - 15, hi + 15
    pad = (hi - lo) * 0.04  # keep the first and last dots off the frame
    lo, hi = lo - pad, hi + pad
    ymax = nice_max(max(float(p.get("quantity") or 0) for _, p in dated))

    def sx(d: float) -> float:
        return round(left + (d - lo) / (hi - lo) * plot_w, 2)

    def sy(v: float) -> float:
        return round(top + plot_h - v / ymax * plot_h, 2)

    outlets = list(dict.fromkeys(str(p.get("outlet") or "?") for _, p in dated))
    color = {o: PALETTE[i % len(PALETTE)] for i, o in enumerate(outlets)}
    dots, by_outlet = [], {o: [] for o in outlets}  # type: ignore[var-annotated]
    for d, p in sorted(dated, key=lambda x: x[0]):
        outlet = str(p.get("outlet") or "?")
        cx, cy = sx(d), sy(float(p.get("quantity") or 0))
        dots.append({"cx": cx, "cy": cy, "color": color[outlet], "point": p, "outlet": outlet})
        by_outlet[outlet].append(f"{cx},{cy}")
    lines = [{"points": " ".join(v), "color": color[o]} for o, v in by_outlet.items() if len(v) > 1]
    xticks = _date_ticks(lo, hi, sx)
    _anchor(xticks, left, width - right)
    yticks = [{"y": sy(ymax * f), "label": _fmt(ymax * f)} for f in (0, 0.25, 0.5, 0.75, 1)]
    return {
        "width": width,
        "height": height,
        "left": left,
        "base": top + plot_h,
        "right": width - right,
        "dots": dots,
        "lines": lines,
        "legend": [{"label": o, "color": color[o]} for o in outlets],
        "yticks": yticks,
        "xticks": xticks,
    }
