"""The server-drawn charts keep every card and label inside their drawing, whatever the
number of spokes or months, so that nothing is clipped at any width."""

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from reports.charts import SMALL_WIDTH, adoption_multiples, hub_map


def _spoke(index: int):
    return SimpleNamespace(
        is_hub=False,
        unit=SimpleNamespace(name=f"Customer support and operations {index}"),
        champions=index % 3,
        ready=index % 2,
        percent=12.5,
    )


@pytest.mark.parametrize("count", [1, 2, 3, 5, 8, 10, 14, 25])
def test_the_map_keeps_every_spoke_inside_and_apart(count):
    """Cards never overlap each other and never leave the viewBox."""
    report = SimpleNamespace(
        spokes=[_spoke(index) for index in range(count)],
        hub=SimpleNamespace(name="Communications hub"),
        without_champion=[],
        nobody_ready=[],
        status=lambda spoke: "far",
    )
    drawn = hub_map(report)
    for card in drawn.cards:
        assert card.x >= 0
        assert card.x + drawn.card_width <= drawn.width
        assert card.y >= 0
        assert card.y + drawn.card_height <= drawn.height
        assert len(card.name) <= 20  # long names are shortened on the map, whole in <title>
        assert card.full_name.startswith("Customer support")
    for index, one in enumerate(drawn.cards):
        for other in drawn.cards[index + 1 :]:
            apart = (
                abs(one.x - other.x) >= drawn.card_width
                or abs(one.y - other.y) >= drawn.card_height
            )
            assert apart
    assert drawn.cx - drawn.radius >= 0
    assert drawn.cx + drawn.radius <= drawn.width


def test_a_map_needs_spokes():
    """Only the hub's own people: no map, the table says it all."""
    report = SimpleNamespace(spokes=[], hub=None, without_champion=[], nobody_ready=[])
    assert hub_map(report) is None


def test_small_multiples_anchor_the_edge_months_inwards():
    """The first month is anchored at its start, the last at its end: neither is clipped."""
    months = [datetime(2026, month, 28, tzinfo=UTC) for month in range(1, 13)]
    row = SimpleNamespace(
        people=4, trend_percents=[0.0] * 11 + [50.0], spec=SimpleNamespace(label="Sales")
    )
    report = SimpleNamespace(
        total=row, rows=[row], months=months, line=16, status=lambda row: "past"
    )
    charts = adoption_multiples(report)
    assert charts.top == 50  # one scale for every chart, above every value
    chart = charts.units[0]
    assert chart.months == [(40, "Jan 2026", "start"), (SMALL_WIDTH - 16, "Dec 2026", "end")]
    assert all(0 < y < chart.height for _x, y, _label, _percent in chart.dots)
    assert "Sales" in chart.summary
    assert "16%" in chart.summary
