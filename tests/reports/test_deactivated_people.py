"""People who left: reports count them as of any day before they were switched off, and
not from that day on; what they did stays in the ledger.

The company of ``company.py``; Abe (Alpha, Crisis practising since 10 January 2026) is
deactivated on 3 March 2026 at 10:00 in the company's time zone (UTC here). Counted by hand,
Crisis at "practising" or above:

    as of          Alpha            Hub   Beta  total
    2 March 2026   1 of 3 (Abe)     0/2   0/1   1 of 6
    3 March 2026   0 of 2           0/2   0/1   0 of 5   (the day he left)
    today          0 of 2           0/2   0/1   0 of 5

Ben, switched off before dates were kept (no ``deactivated_at``), is never counted.
"""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from competencies.models import CompetencyEvidence
from people.models import User
from people.services import deactivate_person

from .test_heatmap import pick, table

URL = reverse("reports:heatmap")
LEFT_AT = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)


@pytest.fixture
def abe_left(company):
    abe = company.people["abe"]
    deactivate_person(abe, reason="left", by=None)
    User.objects.filter(pk=abe.pk).update(deactivated_at=LEFT_AT)
    return abe


@pytest.fixture
def as_hr(client, hr_person):
    client.force_login(hr_person)
    return client


@pytest.mark.parametrize(
    ("end", "alpha", "total"),
    [
        ("2026-03-02", (1, 3), (1, 6)),
        ("2026-03-03", (0, 2), (0, 5)),
        ("", (0, 2), (0, 5)),
    ],
)
def test_the_heat_map_counts_a_leaver_until_the_day_they_left(
    as_hr, company, abe_left, end, alpha, total
):
    """Abe counts in Alpha as of 2 March, not as of 3 March or today."""
    query = {"unit": company.hub.pk, "level": 2}
    if end:
        query["end"] = end
    rows = pick(table(as_hr.get(URL, query)), "Crisis")
    assert rows["Alpha"] == {"Crisis": alpha}
    assert rows["Beta"] == {"Crisis": (0, 1)}
    assert rows["Hub"] == {"Crisis": (0, 2)}
    assert rows["total"] == {"Crisis": total}


def test_a_leavers_evidence_stays(company, abe_left):
    """Deactivation erases nothing: Abe's evidence is still in the ledger."""
    assert CompetencyEvidence.objects.filter(user=abe_left).count() == 1


def test_the_people_list_of_a_cell_follows_the_same_rule(as_hr, company, abe_left):
    """The people behind Alpha's Crisis cell: Abe as of 2 March, nobody as of today."""
    url = reverse("reports:heatmap_people")
    base = {"unit": company.alpha.pk, "competency": company.crisis.pk, "level": 2}
    before = as_hr.get(url, {**base, "end": "2026-03-02"}).content.decode()
    after = as_hr.get(url, base).content.decode()
    assert "Abe" in before
    assert "Abe" not in after
