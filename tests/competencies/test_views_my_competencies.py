"""/competencies/mine/ and the dashboard panel: a person's own levels and their evidence."""

from datetime import UTC, datetime
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from competencies.levels import LEVEL_DESCRIPTIONS, Level
from competencies.models import CompetencyEvidence
from competencies.services import evidence_record
from people.models import BusinessUnit
from tests.factories import BusinessUnitFactory, CompetencyFactory, UserFactory

URL = reverse("competencies:mine")
DASHBOARD = reverse("dashboard")


@pytest.fixture
def framework(db):
    """Two areas, three competencies, in the order trainers set."""
    return {
        "listening": CompetencyFactory(
            name="Listening to what is said about us",
            area="Listening",
            description="Set up searches and notice what matters.",
            is_core=True,
            sort_order=10,
        ),
        "replying": CompetencyFactory(
            name="Replying to a complaint",
            area="Responding",
            description="Answer in public, then move to a private channel.",
            is_crisis_readiness=True,
            sort_order=20,
        ),
        "profile": CompetencyFactory(
            name="A complete professional profile",
            area="Listening",
            description="A photo, a headline and the company named.",
            sort_order=30,
        ),
    }


def _award(user, competency, level, trainer, note=""):
    return evidence_record(
        user=user, competency=competency, level=level, source=None, awarded_by=trainer, note=note
    )


def test_anonymous_is_sent_to_log_in(client, db):
    """Visitors are asked to log in and come back to their competencies."""
    response = client.get(URL)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))
    assert f"next={URL}" in response["Location"]


def test_post_is_not_allowed(client, learner):
    """The page only reads: a POST is refused."""
    client.force_login(learner)
    assert client.post(URL).status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_every_role_sees_only_their_own_record(client, any_person, framework, trainer):
    """Each role sees its own levels and evidence, and never another person's."""
    person = any_person
    other = UserFactory(first_name="Olga", last_name="Other")
    _award(person, framework["listening"], Level.PRACTISING, trainer, note="Own practice note.")
    _award(other, framework["replying"], Level.COACH, trainer, note="Somebody else's note.")
    client.force_login(person)
    response = client.get(URL)
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert "Practising (2 of 4)" in content
    assert "Own practice note." in content
    assert "Somebody else&#x27;s note." not in content
    assert "Somebody else's note." not in content
    assert "Coach (4 of 4)" not in content


def test_page_shows_each_competency_grouped_by_area(client, learner, trainer, framework):
    """Every competency appears under its area, with level, both descriptions and the flags."""
    _award(learner, framework["listening"], Level.PROFICIENT, trainer)
    client.force_login(learner)
    content = client.get(URL).content.decode()
    listening, responding = content.index(">Listening</h2>"), content.index(">Responding</h2>")
    assert listening < content.index("A complete professional profile") < responding
    assert responding < content.index("Replying to a complaint")
    assert "Proficient (3 of 4)" in content
    assert str(LEVEL_DESCRIPTIONS[Level.PROFICIENT]) in content
    assert "Set up searches and notice what matters." in content
    assert "Not yet (0 of 4)" in content
    assert ">Core</span>" in content
    assert ">Crisis readiness</span>" in content


def test_level_meter_is_readable_without_colour(client, learner, trainer, framework):
    """The meter is hidden from screen readers; the level is written out in words."""
    _award(learner, framework["listening"], Level.PRACTISING, trainer)
    client.force_login(learner)
    content = client.get(URL).content.decode()
    assert 'class="level-meter level-meter--2" aria-hidden="true"' in content
    assert "<strong>Practising (2 of 4)</strong>" in content


def test_evidence_lists_source_trainer_and_note(client, learner, trainer, framework, monkeypatch):
    """Each evidence row names its level, its kind of source, who awarded it and the note."""
    monkeypatch.setattr(
        BusinessUnit,
        "evidence_source_kind",
        CompetencyEvidence.Source.KNOWLEDGE_CHECK,
        raising=False,
    )
    check = BusinessUnitFactory(name="Stand-in knowledge check")
    evidence_record(user=learner, competency=framework["listening"], level=1, source=check)
    _award(learner, framework["listening"], Level.PRACTISING, trainer, note="<b>Good</b> reply.")
    client.force_login(learner)
    content = client.get(URL).content.decode()
    assert "Knowledge check" in content
    assert "Awarded by a trainer" in content
    assert "(Tara Trainer)" in content
    assert "&lt;b&gt;Good&lt;/b&gt; reply." in content
    assert "<b>Good</b>" not in content
    # newest first
    assert content.index("Awarded by a trainer") < content.index("Knowledge check")


def test_empty_state_without_evidence(client, learner, framework):
    """A person with no evidence is told so, and every competency says "No evidence yet"."""
    client.force_login(learner)
    content = client.get(URL).content.decode()
    assert "You have no evidence yet." in content
    assert content.count('<p class="empty">No evidence yet.</p>') == len(framework)
    assert content.count("Not yet (0 of 4)") == len(framework)


def test_empty_framework_explains_itself(client, learner):
    """With no competencies at all, the page says who sets them up."""
    client.force_login(learner)
    content = client.get(URL).content.decode()
    assert "No competencies have been set up yet." in content


def test_level_scale_is_explained(client, learner):
    """All five levels are listed with their plain-language descriptions."""
    client.force_login(learner)
    content = client.get(URL).content.decode()
    assert 'id="level-scale"' in content
    for level in Level:
        assert f"{level.label} ({level.value})" in content
        assert str(LEVEL_DESCRIPTIONS[level]) in content


def test_dates_are_in_the_persons_time_zone(client, trainer, framework, monkeypatch):
    """Evidence recorded late in the UTC evening shows the next morning for a person in Tokyo."""
    person = UserFactory(time_zone="Asia/Tokyo")
    recorded = datetime(2025, 3, 1, 23, 30, tzinfo=UTC)
    monkeypatch.setattr(timezone, "now", lambda: recorded)
    _award(person, framework["listening"], Level.AWARE, trainer)
    monkeypatch.undo()
    client.force_login(person)
    content = client.get(URL).content.decode()
    assert "2 Mar 2025, 08:30" in content
    assert 'datetime="2025-03-02T08:30:00+09:00"' in content
    assert "1 Mar 2025" not in content
    assert "Asia/Tokyo" in content


def test_navigation_marks_the_page(client, learner):
    """The header links to the page and marks it as current while on it."""
    client.force_login(learner)
    content = client.get(URL).content.decode()
    assert f'<a href="{URL}" aria-current="page">' in content
    dashboard = client.get(DASHBOARD).content.decode()
    assert f'<a href="{URL}" >' in dashboard


def _queries_for(client, url) -> int:
    client.get(url)  # the first request of a site creates its settings row
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    return len(queries)


def _fill_record(user, trainer, *, competencies: int, rows: int) -> None:
    made = [
        CompetencyFactory(area=f"Area {index % 4}", sort_order=index)
        for index in range(competencies)
    ]
    for index in range(rows):
        _award(user, made[index % competencies], 1 + index % 4, trainer, note=f"Row {index}")


def test_query_count_does_not_grow_with_evidence(
    client, learner, trainer, django_assert_max_num_queries
):
    """Twelve competencies and two hundred evidence rows cost what one of each costs."""
    colleague = UserFactory()
    _fill_record(colleague, trainer, competencies=1, rows=1)
    client.force_login(colleague)
    baseline = _queries_for(client, URL)

    _fill_record(learner, trainer, competencies=11, rows=200)
    client.force_login(learner)
    client.get(URL)
    # session, person, groups, permissions, site settings, header; then the three reads
    with django_assert_max_num_queries(min(baseline, 12)):
        response = client.get(URL)
    content = response.content.decode()
    assert content.count('<article class="competency"') == 12
    assert content.count("<time ") == 200


def test_dashboard_panel_shows_levels(client, learner, trainer, framework):
    """The learner's dashboard sums up their levels and links to the full page."""
    _award(learner, framework["listening"], Level.PROFICIENT, trainer)
    _award(learner, framework["replying"], Level.AWARE, trainer)
    client.force_login(learner)
    content = client.get(DASHBOARD).content.decode()
    assert 'data-panel="competencies"' in content
    assert "Your competencies" in content
    panel = content[content.index('data-panel="competencies"') :]
    panel = panel[: panel.index("</section>")]
    assert "Listening to what is said about us" in panel
    assert "Proficient (3 of 4)" in panel
    assert "Aware (1 of 4)" in panel
    assert "A complete professional profile" not in panel  # not held yet
    assert f'href="{URL}"' in panel
    assert "<dt>Not yet</dt>" in panel


def test_dashboard_panel_empty_state(client, learner, framework):
    """Without evidence, the panel says so and points to the page."""
    client.force_login(learner)
    content = client.get(DASHBOARD).content.decode()
    panel = content[content.index('data-panel="competencies"') :]
    assert "No evidence yet." in panel[: panel.index("</section>")]


def test_dashboard_panel_for_every_role(client, any_person, framework):
    """Every signed-in role gets the panel on the dashboard."""
    client.force_login(any_person)
    assert 'data-panel="competencies"' in client.get(DASHBOARD).content.decode()


def test_dashboard_panel_query_count_is_bounded(
    client, learner, trainer, django_assert_max_num_queries
):
    """The panel costs the same with one competency as with twelve and many standings."""
    colleague = UserFactory()
    _fill_record(colleague, trainer, competencies=1, rows=1)
    client.force_login(colleague)
    baseline = _queries_for(client, DASHBOARD)

    _fill_record(learner, trainer, competencies=11, rows=120)
    client.force_login(learner)
    client.get(DASHBOARD)
    with django_assert_max_num_queries(baseline):
        response = client.get(DASHBOARD)
    panel = response.content.decode().split('data-panel="competencies"')[1]
    panel = panel[: panel.index("</section>")]
    assert panel.count("(4 of 4)") == 5  # the five highest, then a link to the rest
