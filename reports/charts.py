"""Charts drawn on the server as SVG: no script, no CDN, printable. Every chart sits next
to a table with the same numbers, carries a ``<title>`` and a ``<desc>``, and keeps each
of its labels inside its ``viewBox`` (labels at the edges are anchored inwards), so that
nothing is clipped whatever the width it is drawn at.

- :func:`adoption_multiples`: one small chart per unit (the same scale for all), its
  share adopted month by month against the tipping-point line.
- :func:`hub_map`: the hub in the middle and its spokes around it, each with its
  champions, its people ready for a bad day and its adoption.
"""

import math
from dataclasses import dataclass

from django.utils.translation import gettext

# One small multiple: the plot area sits inside generous margins for the labels.
SMALL_WIDTH, SMALL_HEIGHT = 320, 150
LEFT, RIGHT, TOP, BOTTOM = 40, 16, 14, 30


@dataclass(frozen=True)
class Multiple:
    label: str
    width: int
    height: int
    points: str  # the polyline's points
    dots: list[tuple[float, float, str, float]]  # x, y, month label, percent
    line_y: float
    ticks: list[tuple[float, int]]  # y, percent
    months: list[tuple[float, str, str]]  # x, label, text-anchor
    summary: str
    status: str  # past / units_short / near / far

    @property
    def plot_left(self) -> int:
        return LEFT

    @property
    def plot_right(self) -> int:
        return self.width - RIGHT


@dataclass(frozen=True)
class AdoptionCharts:
    line: int
    top: int  # the scale's top, in percent (the same for every chart)
    total: Multiple | None
    units: list[Multiple]


def _scale_top(percents: list[float], line: int) -> int:
    """A round top for the scale: at least one and a half times the line, and above
    every value shown."""
    highest = max([*percents, line * 1.5])
    for top in (10, 20, 25, 30, 40, 50, 60, 75, 100):
        if highest <= top:
            return top
    return 100


def _multiple(*, label: str, row, months, line: int, top: int, status: str) -> Multiple:
    width, height = SMALL_WIDTH, SMALL_HEIGHT
    span_y = height - TOP - BOTTOM
    percents = row.trend_percents

    def y(percent: float) -> float:
        return round(TOP + span_y * (1 - min(percent, top) / top), 1)

    step = (width - LEFT - RIGHT) / max(1, len(percents) - 1)
    labels = [month.strftime("%b %Y") for month in months]
    dots = [
        (round(LEFT + index * step, 1), y(percent), labels[index], percent)
        for index, percent in enumerate(percents)
    ]
    # First and last month on the axis, anchored inwards so neither runs off the edge.
    axis = []
    if dots:
        axis.append((dots[0][0], labels[0], "start"))
        if len(dots) > 1:
            axis.append((dots[-1][0], labels[-1], "end"))
    ticks = [(y(value), value) for value in (0, top // 2, top)]
    summary = gettext(
        "%(unit)s: %(first)s%% adopted at the end of %(start)s, %(last)s%% at the end of "
        "%(end)s, against the %(line)s%% line."
    ) % {
        "unit": label,
        "first": percents[0] if percents else 0,
        "start": labels[0] if labels else "",
        "last": percents[-1] if percents else 0,
        "end": labels[-1] if labels else "",
        "line": line,
    }
    return Multiple(
        label=label,
        width=width,
        height=height,
        points=" ".join(f"{x},{yy}" for x, yy, _label, _percent in dots),
        dots=dots,
        line_y=y(line),
        ticks=ticks,
        months=axis,
        summary=summary,
        status=status,
    )


def adoption_multiples(report) -> AdoptionCharts | None:
    """Everyone shown and each unit, month by month, against the tipping point, on one
    scale so that the charts compare."""
    if report.total is None or not report.total.people or not report.months:
        return None
    rows = [row for row in report.rows if row.people]
    top = _scale_top([p for row in [report.total, *rows] for p in row.trend_percents], report.line)

    def make(label, row):
        return _multiple(
            label=label,
            row=row,
            months=report.months,
            line=report.line,
            top=top,
            status=report.status(row),
        )

    return AdoptionCharts(
        line=report.line,
        top=top,
        total=make(gettext("All shown"), report.total),
        units=[make(row.spec.label, row) for row in rows],
    )


# --- The hub-and-spoke map ----------------------------------------------------------------

CARD_WIDTH, CARD_HEIGHT = 168, 76
HUB_RADIUS = 62
NAME_CHARACTERS = 20  # longer names are shortened on the map (the table has them whole)


@dataclass(frozen=True)
class MapCard:
    x: float  # the card's top-left corner
    y: float
    cx: float  # its middle, where the spoke's line ends
    cy: float
    name: str  # as shown (maybe shortened)
    full_name: str
    champions: int
    ready: int
    percent: float
    past_line: bool
    has_champion: bool
    has_ready: bool


@dataclass(frozen=True)
class HubMap:
    width: int
    height: int
    cx: float
    cy: float
    radius: int
    hub_name: str
    hub_full_name: str
    hub_people: int
    card_width: int
    card_height: int
    cards: list[MapCard]
    summary: str


def _short(name: str) -> str:
    return name if len(name) <= NAME_CHARACTERS else name[: NAME_CHARACTERS - 1].rstrip() + "…"


def hub_map(report) -> HubMap | None:
    """The hub in the middle and its spokes on an ellipse around it. The ellipse grows
    with the number of spokes so that cards never overlap; the drawing scales to the
    page through its ``viewBox``."""
    spokes = [spoke for spoke in report.spokes if not spoke.is_hub]
    if not spokes:
        return None
    own = next((spoke for spoke in report.spokes if spoke.is_hub), None)
    grow = max(1.0, len(spokes) / 8)
    rx, ry = 250 * grow, 170 * grow
    # One or two spokes sit beside the hub; more go round it from the top.
    start = math.pi if len(spokes) <= 2 else -math.pi / 2
    places = [
        (
            rx * math.cos(start + 2 * math.pi * index / len(spokes)),
            ry * math.sin(start + 2 * math.pi * index / len(spokes)),
        )
        for index in range(len(spokes))
    ]
    # The drawing is as large as what is on it, plus a margin: nothing falls outside.
    margin = 12
    left = min([-HUB_RADIUS] + [x - CARD_WIDTH / 2 for x, _y in places]) - margin
    right = max([HUB_RADIUS] + [x + CARD_WIDTH / 2 for x, _y in places]) + margin
    top = min([-HUB_RADIUS] + [y - CARD_HEIGHT / 2 for _x, y in places]) - margin
    bottom = max([HUB_RADIUS] + [y + CARD_HEIGHT / 2 for _x, y in places]) + margin
    width, height = right - left, bottom - top
    cx, cy = -left, -top
    cards = []
    for spoke, (dx, dy) in zip(spokes, places, strict=True):
        x, y = cx + dx, cy + dy
        cards.append(
            MapCard(
                x=round(x - CARD_WIDTH / 2, 1),
                y=round(y - CARD_HEIGHT / 2, 1),
                cx=round(x, 1),
                cy=round(y, 1),
                name=_short(spoke.unit.name),
                full_name=spoke.unit.name,
                champions=spoke.champions,
                ready=spoke.ready,
                percent=spoke.percent,
                past_line=report.status(spoke) == "past",
                has_champion=bool(spoke.champions),
                has_ready=bool(spoke.ready),
            )
        )
    hub_name = report.hub.name if report.hub else gettext("All units")
    without = len(report.without_champion)
    nobody = len(report.nobody_ready)
    summary = gettext(
        "%(hub)s and %(count)s spokes: %(without)s without a champion, %(nobody)s with "
        "nobody ready for a bad day. The table below gives every figure."
    ) % {"hub": hub_name, "count": len(spokes), "without": without, "nobody": nobody}
    return HubMap(
        width=math.ceil(width),
        height=math.ceil(height),
        cx=round(cx, 1),
        cy=round(cy, 1),
        radius=HUB_RADIUS,
        hub_name=_short(hub_name),
        hub_full_name=hub_name,
        hub_people=own.people if own else 0,
        card_width=CARD_WIDTH,
        card_height=CARD_HEIGHT,
        cards=cards,
        summary=summary,
    )
