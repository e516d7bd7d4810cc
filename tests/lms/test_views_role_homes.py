"""/dashboard/ as each role's home: trainers, HR, advocacy leads and site admins land on
their own work (and not on a learner's empty states); the Wagtail userbar only where a
page can be edited; the admin's way back to the site."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from advocacy.models import PolicyAcknowledgement, RosterMembership, Tier
from assessments.models import Submission
from cms.models import HomePage, PolicyPage, PolicyVersion
from cohorts.models import Attendance, Cohort, Enrollment
from core.models import DeferredTask
from reports.models import ReportSettings
from tests.factories import (
    AssignmentFactory,
    BusinessUnitFactory,
    CohortFactory,
    EnrollmentFactory,
    SessionFactory,
    SubmissionFactory,
    UserFactory,
    add_role,
)
from tests.factories.courses import course_with_lessons
from tests.reports.company import give, small_company

pytestmark = pytest.mark.django_db

URL = reverse("dashboard")
NOT_IN_A_COHORT = "You are not in a cohort yet."
NOT_STARTED = "You have not started a course yet."


def _panel(response, key):
    return next((panel for panel in response.context["panels"] if panel.key == key), None)


def _running_cohort(*, trainers, name, people=2):
    """A cohort whose first session started yesterday and whose second is next week,
    with ``people`` enrolled."""
    cohort = CohortFactory(name=name, trainers=trainers)
    now = timezone.now()
    first = SessionFactory(
        cohort=cohort, number=1, title="Your profile", starts_at=now - timedelta(days=1)
    )
    second = SessionFactory(
        cohort=cohort, number=2, title="Listening", starts_at=now + timedelta(days=7)
    )
    Cohort.objects.filter(pk=cohort.pk).update(starts_at=first.starts_at, ends_at=second.ends_at)
    cohort.refresh_from_db()
    enrollments = [EnrollmentFactory(cohort=cohort) for _ in range(people)]
    return cohort, first, second, enrollments


def _submitted(cohort, assignment, *, user=None):
    return SubmissionFactory(
        cohort=cohort,
        assignment=assignment,
        user=user or UserFactory(),
        status=Submission.Status.SUBMITTED,
    )


# --- Trainers --------------------------------------------------------------------------


@pytest.fixture
def trainer_world(trainer):
    """Tara trains "Spring cohort" (2 people, 1 marked at yesterday's session, 2 pieces of
    work waiting); someone else trains "Other cohort" (1 piece of work waiting)."""
    mine, first, second, enrollments = _running_cohort(trainers=[trainer], name="Spring cohort")
    Attendance.objects.create(
        session=first, enrollment=enrollments[0], status=Attendance.Status.PRESENT
    )
    assignment = AssignmentFactory(course=mine.course, title="Tidy your profile")
    waiting = [
        _submitted(mine, assignment, user=enrollments[0].user),
        _submitted(mine, assignment, user=enrollments[1].user),
    ]
    other_trainer = add_role(UserFactory(), "Trainer")
    theirs, *_rest = _running_cohort(trainers=[other_trainer], name="Other cohort")
    other_assignment = AssignmentFactory(course=theirs.course, title="Listen for a week")
    hidden = _submitted(theirs, other_assignment)
    return {
        "mine": mine,
        "first": first,
        "second": second,
        "waiting": waiting,
        "theirs": theirs,
        "hidden": hidden,
    }


def test_trainer_sees_the_cohorts_they_train_not_a_learners_empty_state(
    client, trainer, trainer_world
):
    """The trainer's home lists their cohort with its next session and the attendance
    still to take (1 of 2 marked), linked to the attendance screen; not the others' cohort,
    and never "You are not in a cohort yet"."""
    client.force_login(trainer)
    response = client.get(URL)
    content = response.content.decode()
    panel = _panel(response, "trainer-cohorts")
    assert [row.cohort.name for row in panel.context["rows"]] == ["Spring cohort"]
    row = panel.context["rows"][0]
    assert row.next_session == trainer_world["second"]
    assert row.places_taken == 2
    assert row.attendance_to_take == [trainer_world["first"]]
    mine, first = trainer_world["mine"], trainer_world["first"]
    assert reverse("cohorts_admin:attendance", args=[mine.pk, first.pk]) in content
    assert "1 of 2 marked" in content
    assert reverse("cohorts_admin:detail", args=[mine.pk]) in content
    assert "Other cohort" not in content
    assert NOT_IN_A_COHORT not in content
    assert NOT_STARTED not in content
    assert _panel(response, "my-cohorts") is None


def test_trainer_sees_work_waiting_with_links_straight_to_each_review(
    client, trainer, trainer_world
):
    """Two submissions wait in the trainer's cohort: counted, each linked to its review;
    the one in someone else's cohort is neither counted nor linked."""
    client.force_login(trainer)
    response = client.get(URL)
    content = response.content.decode()
    waiting = _panel(response, "review-waiting").context["waiting"]
    assert waiting.total == 2
    assert waiting.by_cohort == [
        {"cohort_id": trainer_world["mine"].pk, "cohort__name": "Spring cohort", "waiting": 2}
    ]
    assert "2 submissions wait for your decision." in content
    for submission in trainer_world["waiting"]:
        assert reverse("assessments_admin:review", args=[submission.pk]) in content
    assert reverse("assessments_admin:review", args=[trainer_world["hidden"].pk]) not in content
    assert f"{reverse('assessments_admin:queue')}?cohort={trainer_world['mine'].pk}" in content


def test_attendance_fully_taken_leaves_the_list(client, trainer, trainer_world):
    """Once everyone holding a place is marked, the session is no longer "to take"."""
    enrollment = Enrollment.objects.filter(cohort=trainer_world["mine"]).exclude(
        attendance__session=trainer_world["first"]
    )[0]
    Attendance.objects.create(
        session=trainer_world["first"], enrollment=enrollment, status=Attendance.Status.ABSENT
    )
    client.force_login(trainer)
    row = _panel(client.get(URL), "trainer-cohorts").context["rows"][0]
    assert row.attendance_to_take == []


def test_reviewed_work_leaves_the_trainers_count(client, trainer, trainer_world):
    """Work decided on is no longer waiting."""
    Submission.objects.filter(pk=trainer_world["waiting"][0].pk).update(
        status=Submission.Status.ACCEPTED
    )
    client.force_login(trainer)
    assert _panel(client.get(URL), "review-waiting").context["waiting"].total == 1


def test_trainer_with_nothing_to_do_sees_empty_states(client, trainer):
    """A trainer with no cohort and no work is told so, and pointed to the admin."""
    client.force_login(trainer)
    content = client.get(URL).content.decode()
    assert "You do not train a cohort at the moment." in content
    assert "Nothing waits for your review." in content
    assert reverse("cohorts_admin:index") in content
    assert NOT_IN_A_COHORT not in content


def test_cancelled_and_long_finished_cohorts_leave_the_trainers_home(client, trainer):
    """A cancelled cohort, and one that ended a month ago, are not on the list."""
    cancelled, *_ = _running_cohort(trainers=[trainer], name="Cancelled run")
    Cohort.objects.filter(pk=cancelled.pk).update(cancelled_at=timezone.now())
    old, *_ = _running_cohort(trainers=[trainer], name="Old run")
    month_ago = timezone.now() - timedelta(days=30)
    Cohort.objects.filter(pk=old.pk).update(
        starts_at=month_ago - timedelta(days=7), ends_at=month_ago
    )
    client.force_login(trainer)
    assert _panel(client.get(URL), "trainer-cohorts").context["rows"] == []


def test_a_trainer_who_also_learns_keeps_their_cohorts(client, trainer):
    """A trainer enrolled in someone else's cohort still sees it under "My cohorts"."""
    cohort = CohortFactory(name="Trainer as learner")
    EnrollmentFactory(cohort=cohort, user=trainer)
    client.force_login(trainer)
    response = client.get(URL)
    cards = _panel(response, "my-cohorts").context["cards"]
    assert [card.cohort.name for card in cards] == ["Trainer as learner"]


# --- Who sees which panel --------------------------------------------------------------

ROLE_PANELS = {
    "trainer-cohorts": {"trainer"},
    "review-waiting": {"trainer", "site_admin"},
    "reports-summary": {"hr", "site_admin"},
    "admin-attention": {"site_admin"},
    "roster": {"hr", "lead", "site_admin"},
}


@pytest.mark.parametrize("key", sorted(ROLE_PANELS))
def test_each_role_sees_its_own_panels_only(client, any_person, request, key):
    """Every role, every staff panel: shown to the roles it is for, hidden from the rest."""
    role = request.node.callspec.params["any_person"]
    client.force_login(any_person)
    response = client.get(URL)
    assert response.status_code == HTTPStatus.OK
    assert (_panel(response, key) is not None) is (role in ROLE_PANELS[key])


@pytest.mark.parametrize("role", ["trainer", "hr", "lead", "site_admin"])
def test_staff_in_no_cohort_do_not_read_a_learners_empty_states(client, request, role):
    """Staff who take no cohort and started no course are not told they are not in a
    cohort yet, nor that they have not started a course."""
    client.force_login(request.getfixturevalue(role))
    content = client.get(URL).content.decode()
    assert NOT_IN_A_COHORT not in content
    assert NOT_STARTED not in content


def test_a_learner_keeps_their_home(client, learner):
    """Learners keep their panels and see none of the staff ones."""
    client.force_login(learner)
    response = client.get(URL)
    keys = {panel.key for panel in response.context["panels"]}
    assert {"my-cohorts", "courses", "competencies"} <= keys
    assert not keys & set(ROLE_PANELS)


# --- HR: the reports at a glance, hand-counted ------------------------------------------


@pytest.fixture
def hr_world(hr):
    """The hand-counted company of tests/reports/company.py, with a policy:

    Alpha (Ann, Abe) + Alpha One (Ari): Ann and Ari ready (proficient in Crisis, policy
    acknowledged), so Alpha has 2 ready of 3 but Alpha One (1 ready) is under the target
    of 2. Beta (Bea; Ben left): nobody ready. Hub (Max, Hugo): nobody ready.
    Adoption (Listening and Crisis, both core, practising or above): Ann and Ari, 2 of 8
    active people counted (the 6 in units and 2 without one: HR Hana and the coach Cora),
    25% - past the 16% line; Beta (0 of 1) and Hub (0 of 2) are under it.
    """
    company = small_company()
    page = PolicyPage(title="Policy", slug="policy", summary="Be kind.", body=[])
    HomePage.objects.get().add_child(instance=page)
    version = PolicyVersion.objects.create(page=page, number=1, published_at=timezone.now())
    people, coach = company.people, company.people["hugo"]
    for name in ("ann", "ari"):
        give(people[name], company.crisis, 3, by=coach)
        PolicyAcknowledgement.objects.create(
            user=people[name], version=version, acknowledged_at=timezone.now()
        )
    return company


def test_hr_summary_counts_match_a_hand_count(client, hr, hr_world):
    """Units under the readiness target and adoption against the line, as counted by hand
    in the fixture's docstring, with links to both reports."""
    client.force_login(hr)
    response = client.get(URL)
    summary = _panel(response, "reports-summary").context["summary"]
    assert (summary.target, summary.line) == (2, 16)
    short = {row.spec.label: (row.ready, row.people, text) for row, text in summary.readiness_short}
    assert short == {
        "Alpha": (2, 3, "1 unit below falls short"),
        "Beta": (0, 1, "Nobody ready"),
        "Hub": (0, 2, "Nobody ready"),
    }
    total = summary.adoption_total
    assert (total.adopted, total.people, total.percent) == (2, 8, 25.0)
    assert summary.adoption_past_line
    assert {row.spec.label for row, _text in summary.adoption_short} == {"Beta", "Hub"}
    content = response.content.decode()
    assert "3 units are under the target of 2 people ready for a bad day" in content
    assert "2 of 8 people (25.0%) practise every core competency: past the 16% line." in content
    assert reverse("reports:readiness") in content
    assert reverse("reports:adoption") in content


def test_hr_summary_follows_the_lines_hr_set_and_writes_nothing(client, hr, hr_world):
    """With a target of 1, Alpha (2 ready, each unit below with 1) meets it; the line at
    30% puts everyone (25%) under it. Without saved settings, the dashboard reads the
    defaults and creates no settings row (a GET writes nothing)."""
    client.force_login(hr)
    client.get(URL)
    assert not ReportSettings.objects.exists()
    ReportSettings.objects.create(crisis_target=1, tipping_point_percent=30)
    summary = _panel(client.get(URL), "reports-summary").context["summary"]
    assert {row.spec.label for row, _text in summary.readiness_short} == {"Beta", "Hub"}
    assert not summary.adoption_past_line
    assert "under the 30% line" in client.get(URL).content.decode()


def test_hr_summary_agrees_with_the_reports_themselves(client, hr, hr_world):
    """The dashboard reads the same selectors as the report pages: the same rows."""
    client.force_login(hr)
    summary = _panel(client.get(URL), "reports-summary").context["summary"]
    page = client.get(reverse("reports:readiness"))
    on_page = {row.spec.label: row.ready for row, *_ in page.context["rows"]}
    assert {row.spec.label: row.ready for row in summary.readiness_rows} == on_page


def test_hr_summary_in_an_empty_company(client, hr):
    """With no unit and no competencies, HR reads that there is no unit to count, not
    that every unit meets the target; adoption counts HR themselves (no unit): 0 of 1."""
    client.force_login(hr)
    content = client.get(URL).content.decode()
    assert "No units with people yet." in content
    assert "Every unit meets the target" not in content
    assert "0 of 1 people (0.0%) practise every core competency: under the 16% line." in content
    assert "Open the readiness report" in content


def test_hr_home_query_count_does_not_grow(client, hr, hr_world, django_assert_max_num_queries):
    """HR's home costs the same with the small company and with 150 more people in
    20 more units."""
    client.force_login(hr)
    client.get(URL)
    with django_assert_max_num_queries(60) as small:
        client.get(URL)
    units = [BusinessUnitFactory(parent=hr_world.alpha) for _ in range(20)]
    for index in range(150):
        UserFactory(unit=units[index % 20])
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(URL)
    assert response.status_code == HTTPStatus.OK


def test_trainer_home_query_count_does_not_grow(
    client, trainer, trainer_world, django_assert_max_num_queries
):
    """A trainer's home costs the same with one cohort or eight, and more work waiting."""
    client.force_login(trainer)
    client.get(URL)
    with django_assert_max_num_queries(60) as small:
        client.get(URL)
    for number in range(7):
        cohort, *_rest, enrollments = _running_cohort(
            trainers=[trainer], name=f"Extra {number}", people=3
        )
        assignment = AssignmentFactory(course=cohort.course)
        for enrollment in enrollments:
            _submitted(cohort, assignment, user=enrollment.user)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(URL)
    assert len(_panel(response, "trainer-cohorts").context["rows"]) == 8


# --- Advocacy leads and site admins ----------------------------------------------------


def test_lead_sees_who_waits_for_approval(client, lead):
    """A lead's roster panel names the requests waiting, oldest first."""
    now = timezone.now()
    for offset, name in ((2, "Olga"), (1, "Pim")):
        RosterMembership.objects.create(
            user=UserFactory(first_name=name, last_name="Waiting"),
            tier=Tier.AMBASSADOR,
            status=RosterMembership.Status.PENDING,
            status_changed_at=now,
            opted_in_at=now - timedelta(days=offset),
        )
    client.force_login(lead)
    response = client.get(URL)
    names = [m.user.first_name for m in _panel(response, "roster").context["oldest_waiting"]]
    assert names == ["Olga", "Pim"]
    content = response.content.decode()
    assert "Olga Waiting" in content
    assert reverse("advocacy:approvals") in content


def test_lead_with_nothing_waiting(client, lead):
    """No request: the lead is told so."""
    client.force_login(lead)
    assert "No request waits for your decision." in client.get(URL).content.decode()


def test_site_admin_sees_what_needs_them(client, site_admin):
    """People without a unit (the admin included: 2) and messages held back are counted."""
    UserFactory(unit=None)
    UserFactory(unit=BusinessUnitFactory())
    DeferredTask.objects.create(task_name="core.tasks.notification_send_task", task_id="x")
    client.force_login(site_admin)
    response = client.get(URL)
    attention = _panel(response, "admin-attention").context["attention"]
    assert (attention.without_unit, attention.deferred_messages) == (2, 1)
    content = response.content.decode()
    assert "2 people have no business unit" in content
    assert "1 message waits to be sent" in content


def test_site_admin_with_nothing_to_do(client, site_admin):
    """Everyone placed, nothing held back: "Nothing needs you right now"."""
    site_admin.unit = BusinessUnitFactory()
    site_admin.save()
    client.force_login(site_admin)
    assert "Nothing needs you right now." in client.get(URL).content.decode()


# --- The userbar and the way back --------------------------------------------------------

USERBAR = "wagtail-userbar"


@pytest.mark.parametrize("role", ["trainer", "hr", "lead", "site_admin"])
def test_no_userbar_on_pages_with_nothing_to_edit(client, request, role):
    """Dashboard, reports and the roster carry no userbar, for any role."""
    client.force_login(request.getfixturevalue(role))
    for url in (URL, reverse("reports:index"), reverse("advocacy:roster")):
        response = client.get(url)
        assert USERBAR not in response.content.decode(), (role, url)


def test_userbar_on_a_page_the_person_may_edit(client, site_admin, learner):
    """A site admin gets the userbar on a course page; a learner never does."""
    course, _lessons = course_with_lessons(lessons=1)
    client.force_login(site_admin)
    assert USERBAR in client.get(course.url).content.decode()
    client.force_login(learner)
    assert USERBAR not in client.get(course.url).content.decode()


def test_no_userbar_for_someone_who_may_not_edit_the_page(client, hr):
    """HR enters the admin but may not edit courses: no userbar on a course page."""
    course, _lessons = course_with_lessons(lessons=1)
    client.force_login(hr)
    assert not course.permissions_for_user(hr).can_edit()
    assert USERBAR not in client.get(course.url).content.decode()


@pytest.mark.parametrize("role", ["trainer", "hr", "site_admin"])
def test_the_admin_has_a_way_back_to_the_site(client, request, role):
    """Every admin page's menu links back to the site."""
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert "Back to the site" in content
    assert f'"{URL}"' in content or f"&quot;{URL}&quot;" in content or URL in content
