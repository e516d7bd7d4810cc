"""The competency heat map, checked against the hand-counted company in conftest.py."""

import pytest
from django.urls import reverse

from tests.factories import CohortFactory, CoursePageFactory, EnrollmentFactory, UserFactory

URL = reverse("reports:heatmap")


def table(response) -> dict[str, dict[str, tuple[int, int]]]:
    """The report as {row label: {competency name: (count, people)}} from the context."""
    report = response.context["report"]
    names = [competency.name for competency in report.competencies]
    rows = {
        row.spec.label: {
            name: (cell.count, cell.people) for name, cell in zip(names, row.cells, strict=True)
        }
        for row in report.rows
    }
    rows["total"] = {
        name: (cell.count, cell.people)
        for name, cell in zip(names, report.total.cells, strict=True)
    }
    return rows


def pick(rows, *names):
    """Only the hand-counted competencies (migrations or other tests may add more)."""
    return {label: {n: cells[n] for n in names} for label, cells in rows.items()}


@pytest.fixture
def as_hr(client, hr_person):
    client.force_login(hr_person)
    return client


def test_hr_sees_the_units_under_the_hub_counted_by_hand(as_hr, company):
    response = as_hr.get(URL, {"unit": company.hub.pk, "level": 2})
    assert response.status_code == 200
    rows = pick(table(response), "Listening", "Crisis")
    # Alpha counts Alpha One too; Ben has left and is not counted; Max sits in the hub.
    assert rows == {
        "Alpha": {"Listening": (2, 3), "Crisis": (1, 3)},
        "Beta": {"Listening": (0, 1), "Crisis": (0, 1)},
        "Hub": {"Listening": (0, 2), "Crisis": (0, 2)},
        "total": {"Listening": (2, 6), "Crisis": (1, 6)},
    }
    html = response.content.decode()
    assert "2/3" in html
    assert "67%" in html
    assert 'title="2 of 3 people"' in html


def test_switching_the_level_counts_knowledge_checks_as_aware(as_hr, company):
    rows = pick(table(as_hr.get(URL, {"unit": company.hub.pk, "level": 1})), "Listening")
    assert rows["Beta"] == {"Listening": (1, 1)}
    rows = pick(table(as_hr.get(URL, {"unit": company.hub.pk, "level": 3})), "Listening")
    assert rows["Alpha"] == {"Listening": (1, 3)}
    assert rows["Beta"] == {"Listening": (0, 1)}


def test_the_end_of_the_period_leaves_out_later_evidence(as_hr, company):
    rows = table(as_hr.get(URL, {"unit": company.hub.pk, "end": "2025-12-31"}))
    assert rows["Alpha"]["Crisis"] == (0, 3)
    # Evidence recorded today does not exist yet at the end of 2025 either.
    assert rows["Alpha"]["Listening"] == (0, 3)
    rows = table(as_hr.get(URL, {"unit": company.hub.pk, "end": "2026-01-10"}))
    assert rows["Alpha"]["Crisis"] == (1, 3)


def test_drilling_into_a_unit_shows_its_sub_units_and_its_own_people(as_hr, company):
    response = as_hr.get(URL, {"unit": company.alpha.pk})
    rows = pick(table(response), "Listening")
    assert rows == {
        "Alpha One": {"Listening": (1, 1)},
        "Alpha": {"Listening": (1, 2)},
        "total": {"Listening": (2, 3)},
    }
    html = response.content.decode()
    assert "directly in this unit" in html
    # The trail leads back up, keeping the level.
    assert f"unit={company.hub.pk}&amp;level=2" in html


def test_the_top_shows_the_hubs_spokes_the_hub_and_the_people_with_no_unit(as_hr, company):
    """The first view opens the hub: each spoke, the hub's own people, and no unit."""
    response = as_hr.get(URL)
    labels = [row.spec.label for row in response.context["report"].rows]
    assert labels == ["Alpha", "Beta", "Hub", "No unit"]
    assert f"?unit={company.alpha.pk}&amp;level=2" in response.content.decode()


def test_a_cohort_counts_only_the_people_holding_a_place(as_hr, company):
    course = CoursePageFactory()
    cohort = CohortFactory(course=course)
    EnrollmentFactory(cohort=cohort, user=company.people["ari"], status="enrolled")
    EnrollmentFactory(cohort=cohort, user=company.people["abe"], status="waitlisted")
    rows = table(as_hr.get(URL, {"unit": company.hub.pk, "cohort": cohort.pk}))
    assert rows["Alpha"]["Listening"] == (1, 1)
    assert rows["total"]["Listening"] == (1, 1)
    rows = table(as_hr.get(URL, {"unit": company.hub.pk, "course": course.pk}))
    assert rows["total"]["Listening"] == (1, 1)


def test_a_manager_sees_only_their_people_direct_and_indirect(client, company):
    client.force_login(company.max)
    response = client.get(URL, {"unit": company.hub.pk})
    rows = pick(table(response), "Listening")
    assert rows == {"Alpha": {"Listening": (2, 2)}, "total": {"Listening": (2, 2)}}
    assert "Beta" not in response.content.decode()


def test_a_manager_cannot_open_a_unit_without_their_people(client, company):
    client.force_login(company.max)
    response = client.get(URL, {"unit": company.beta.pk})
    assert response.status_code == 200
    assert response.context["report"] is None
    assert "There is no such unit among the people you see." in response.content.decode()
    assert "Bea" not in response.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"unit": "abc"}, "There is no such unit"),
        ({"unit": "999999"}, "There is no such unit"),
        ({"level": "9"}, "Select a valid choice"),
        ({"level": "<script>"}, "Select a valid choice"),
        ({"end": "2026-02-30"}, "Enter a valid date"),
        ({"end": "31/12/2025x"}, "Enter a valid date"),
        ({"end": "1900-01-01"}, "from 2000 on"),
        ({"course": "-1"}, "Select a valid choice"),
        ({"cohort": "1" * 40}, "Select a valid choice"),
    ],
)
def test_bad_filters_are_explained_and_no_numbers_are_shown(as_hr, company, query, message):
    response = as_hr.get(URL, query)
    assert response.status_code == 200
    assert response.context["report"] is None
    assert message in response.content.decode()


def test_a_cohort_of_another_course_is_refused(as_hr, company):
    cohort = CohortFactory()
    other = CoursePageFactory()
    response = as_hr.get(URL, {"course": other.pk, "cohort": cohort.pk})
    assert response.context["report"] is None
    assert "This cohort runs another course." in response.content.decode()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("learner", 403),
        ("trainer", 403),
        ("lead", 403),
        ("manager", 200),
        ("hr", 200),
        ("site_admin", 200),
    ],
)
def test_who_may_read_the_heat_map(client, request, role, status):
    client.force_login(request.getfixturevalue(role))
    assert client.get(URL).status_code == status
    assert client.get(reverse("reports:index")).status_code == status


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    """(Every request reads the content stamp, so even a redirect touches the database.)"""
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_empty_company_shows_the_empty_state(client, hr_person):
    client.force_login(hr_person)
    response = client.get(URL)
    assert response.status_code == 200


def test_the_queries_do_not_grow_with_the_number_of_people(
    as_hr, company, django_assert_max_num_queries
):
    as_hr.get(URL, {"unit": company.hub.pk})  # warm the per-process caches
    # 16 today: the session and the person, the header, the filter choices, the tree,
    # the competencies, then one query for the head counts and one for the levels.
    with django_assert_max_num_queries(18) as small:
        as_hr.get(URL, {"unit": company.hub.pk})
    for index in range(60):
        UserFactory(unit=(company.alpha, company.beta, company.alpha_one)[index % 3])
    with django_assert_max_num_queries(len(small.captured_queries)):
        as_hr.get(URL, {"unit": company.hub.pk})


PEOPLE = reverse("reports:heatmap_people")


def test_hr_drills_from_a_unit_to_its_people_and_their_levels(as_hr, company):
    response = as_hr.get(PEOPLE, {"unit": company.alpha.pk, "level": 2})
    assert response.status_code == 200
    people = {person.name.split()[0]: person for person in response.context["people"]}
    assert set(people) == {"Ann", "Abe", "Ari"}
    names = [c.name for c in response.context["competencies"]]
    listening = names.index("Listening")
    assert people["Ari"].levels[listening] == 3
    assert people["Ann"].levels[listening] == 2
    assert people["Abe"].levels[listening] == 0
    assert people["Abe"].last_evidence[listening] is None
    html = response.content.decode()
    assert "Proficient" in html
    assert "3 people." in html


def test_the_people_list_never_shows_reflections(as_hr, company):
    from tests.factories import SubmissionFactory

    SubmissionFactory(user=company.people["ann"], reflection="<p>SECRET-REFLECTION</p>")
    response = as_hr.get(PEOPLE, {"unit": company.alpha.pk})
    assert "SECRET-REFLECTION" not in response.content.decode()


def test_the_heat_map_links_hr_to_the_people(as_hr, company):
    html = as_hr.get(URL, {"unit": company.alpha.pk}).content.decode()
    assert f"{PEOPLE}?unit={company.alpha.pk}&amp;level=2" in html


@pytest.mark.parametrize(("role", "status"), [("manager", 403), ("learner", 403), ("hr", 200)])
def test_only_hr_sees_names(client, request, role, status):
    client.force_login(request.getfixturevalue(role))
    assert client.get(PEOPLE).status_code == status


def test_the_people_list_is_paged_with_bounded_queries(
    as_hr, company, django_assert_max_num_queries
):
    for _ in range(60):
        UserFactory(unit=company.beta)
    as_hr.get(PEOPLE, {"unit": company.beta.pk})
    with django_assert_max_num_queries(20):
        response = as_hr.get(PEOPLE, {"unit": company.beta.pk, "p": "2"})
    assert len(response.context["people"]) == 11  # Bea and 60 more: 50 on page one
    assert "Page 2 of 2" in response.content.decode()
