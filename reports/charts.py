"""Charts drawn on the server as SVG: no script, no CDN, printable. Every chart sits next
to a table with the same numbers, and carries a text alternative."""

from dataclasses import dataclass

from django.utils.translation import gettext

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 12, 28


@dataclass(frozen=True)
class TrendChart:
    width: int
    height: int
    points: str  # the polyline's points
    dots: list[tuple[float, float, str, float]]  # x, y, month label, percent
    line_y: float  # the tipping point
    line: int
    ticks: list[tuple[float, int]]  # y, percent
    summary: str


def _y(percent: float, top: float) -> float:
    span = HEIGHT - TOP - BOTTOM
    return round(TOP + span * (1 - percent / top), 1)


def trend_chart(report) -> TrendChart | None:
    """The adoption share of everyone shown, month by month, with the tipping point."""
    total = report.total
    if total is None or not total.people or not report.months:
        return None
    percents = total.trend_percents
    top = max(100.0 if max(percents) > 50 else 50.0, report.line * 1.25)
    top = min(100.0, top)
    step = (WIDTH - LEFT - RIGHT) / max(1, len(percents) - 1)
    dots = [
        (round(LEFT + index * step, 1), _y(percent, top), month.strftime("%b %Y"), percent)
        for index, (month, percent) in enumerate(zip(report.months, percents, strict=True))
    ]
    ticks = [(_y(value, top), value) for value in range(0, int(top) + 1, 10 if top <= 50 else 25)]
    first, last = percents[0], percents[-1]
    summary = gettext(
        "%(first)s%% in %(start)s, %(last)s%% in %(end)s; the tipping point is %(line)s%%."
    ) % {"first": first, "start": dots[0][2], "last": last, "end": dots[-1][2], "line": report.line}
    return TrendChart(
        width=WIDTH,
        height=HEIGHT,
        points=" ".join(f"{x},{y}" for x, y, _label, _percent in dots),
        dots=dots,
        line_y=_y(report.line, top),
        line=report.line,
        ticks=ticks,
        summary=summary,
    )
