"""The trainers' other cohort screens: the list, the roster, invitations, attendance,
the waitlist, withdrawals and cancellation; and who may open them."""

import io
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cohorts.models import Attendance, Cohort, Enrollment
from courses.models import LessonCompletion
from tests.factories import (
    BusinessUnitFactory,
    CohortFactory,
    EnrollmentFactory,
    LessonPageFactory,
    SessionFactory,
    UserFactory,
    add_role,
)

pytestmark = pytest.mark.django_db
Status = Enrollment.Status


@pytest.fixture
def mine(trainer):
    """An invitation cohort run by ``trainer``: one session an hour ago, one next week."""
    cohort = CohortFactory(
        name="Replying well", trainers=[trainer], enrollment_mode=Cohort.EnrollmentMode.INVITATION
    )
    now = timezone.now()
    lesson = LessonPageFactory(parent=cohort.course, title="First steps")
    started = SessionFactory(
        cohort=cohort,
        number=1,
        title="Start",
        starts_at=now - timedelta(hours=1),
        ends_at=now - timedelta(minutes=10),
    )
    started.lessons.set([lesson])
    SessionFactory(
        cohort=cohort,
        number=2,
        title="Next",
        starts_at=now + timedelta(days=7),
        ends_at=now + timedelta(days=7, hours=1),
    )
    cohort.starts_at, cohort.ends_at = started.starts_at, now + timedelta(days=7, hours=1)
    cohort.save()
    return cohort


def url(name, cohort, *args):
    return reverse(f"cohorts_admin:{name}", args=[cohort.pk, *args])


# --- Who may open the screens -------------------------------------------------------------


@pytest.mark.parametrize("name", ["detail", "edit", "invite", "cancel"])
def test_a_trainer_of_another_cohort_gets_not_found(client, mine, name):
    other = add_role(UserFactory(), "Trainer")
    client.force_login(other)
    assert client.get(url(name, mine)).status_code == 404


def test_people_who_do_not_train_are_kept_out(client, mine, learner, hr):
    """Learners never reach the admin; HR (who may use the admin) are turned back to it."""
    client.force_login(learner)
    assert client.get(reverse("cohorts_admin:index")).status_code == 302
    client.force_login(hr)
    for page in (reverse("cohorts_admin:index"), url("detail", mine)):
        response = client.get(page, follow=True)
        assert response.redirect_chain == [("/admin/", 302)]
        assert "Replying well" not in response.content.decode()


def test_a_site_admin_sees_every_cohort(client, mine, site_admin):
    client.force_login(site_admin)
    assert client.get(url("detail", mine)).status_code == 200
    assert mine in client.get(reverse("cohorts_admin:index")).context["page"].object_list


def test_the_menu_shows_cohorts_to_trainers_only(client, trainer, hr):
    client.force_login(trainer)
    assert reverse("cohorts_admin:index") in client.get("/admin/").content.decode()
    client.force_login(hr)
    assert reverse("cohorts_admin:index") not in client.get("/admin/").content.decode()


# --- The list -----------------------------------------------------------------------------


def test_the_list_shows_only_my_cohorts_with_filters(client, trainer, mine):
    CohortFactory(name="Someone else's")
    draft = CohortFactory(name="Still a draft", trainers=[trainer], is_published=False)
    client.force_login(trainer)
    response = client.get(reverse("cohorts_admin:index"))
    assert list(response.context["page"].object_list) == [draft, mine]
    running = client.get(reverse("cohorts_admin:index"), {"status": "running"})
    assert list(running.context["page"].object_list) == [mine]
    found = client.get(reverse("cohorts_admin:index"), {"q": "draft"})
    assert list(found.context["page"].object_list) == [draft]
    nothing = client.get(reverse("cohorts_admin:index"), {"q": "zzz", "status": "nonsense"})
    assert nothing.context["status"] == ""
    assert "No cohort matches these filters." in nothing.content.decode()


def test_the_list_is_paginated_and_has_an_empty_state(client, trainer):
    client.force_login(trainer)
    assert (
        "You do not run any cohort yet"
        in client.get(reverse("cohorts_admin:index")).content.decode()
    )
    for _ in range(27):
        CohortFactory(trainers=[trainer])
    page_two = client.get(reverse("cohorts_admin:index"), {"p": "2"})
    assert len(page_two.context["page"].object_list) == 2
    assert client.get(reverse("cohorts_admin:index"), {"p": "x"}).status_code == 200


# --- The roster ---------------------------------------------------------------------------


def test_the_roster_shows_people_progress_and_attendance(client, trainer, mine):
    done = EnrollmentFactory(cohort=mine, user=UserFactory(first_name="Dana", last_name="Done"))
    LessonCompletion.objects.create(
        user=done.user, lesson=mine.sessions.get(number=1).lessons.get()
    )
    Attendance.objects.create(
        session=mine.sessions.get(number=1), enrollment=done, status="present"
    )
    EnrollmentFactory(cohort=mine, status=Status.WAITLISTED)
    EnrollmentFactory(cohort=mine, status=Status.WITHDRAWN, withdrawn_at=timezone.now())
    client.force_login(trainer)
    response = client.get(url("detail", mine))
    roster = response.context["roster"]
    assert [row.enrollment.status for row in roster.rows] == [
        Status.ENROLLED,
        Status.WAITLISTED,
        Status.WITHDRAWN,
    ]
    assert roster.rows[0].progress.done_count == 1
    assert roster.rows[0].present == 1
    assert roster.rows[1].waitlist_position == 1
    html = response.content.decode()
    assert "Dana Done" in html
    assert "1 of 1" in html
    assert "1 recorded: change" in html  # session 1 has begun
    assert "Not started" in html  # session 2 has not


def test_the_roster_needs_a_fixed_number_of_queries(
    client, trainer, mine, django_assert_max_num_queries
):
    people = [UserFactory() for _ in range(40)]
    Enrollment.objects.bulk_create(
        Enrollment(cohort=mine, user=person, status=Status.ENROLLED) for person in people
    )
    client.force_login(trainer)
    client.get(url("detail", mine))  # warm the per-process caches (site, settings)
    with django_assert_max_num_queries(30):
        response = client.get(url("detail", mine))
    assert len(response.context["roster"].rows) == 40


# --- Invitations --------------------------------------------------------------------------


def test_invite_one_person_by_address(client, trainer, mine, committed):
    person = UserFactory(email="ida@spoke.example")
    client.force_login(trainer)
    with committed():
        response = client.post(
            url("invite", mine), {"invite": "person", "person-email": "IDA@spoke.example"}
        )
    assert response.status_code == 302
    assert Enrollment.objects.get(user=person).status == Status.INVITED
    assert [m.to for m in mail.outbox] == [["ida@spoke.example"]]


def test_an_unknown_address_is_refused_and_kept(client, trainer, mine):
    client.force_login(trainer)
    response = client.post(
        url("invite", mine), {"invite": "person", "person-email": "nobody@spoke.example"}
    )
    assert response.status_code == 200
    assert "Nobody has the address nobody@spoke.example." in response.content.decode()
    assert 'value="nobody@spoke.example"' in response.content.decode()
    assert not Enrollment.objects.exists()


def test_invite_a_whole_unit(client, trainer, mine):
    unit = BusinessUnitFactory(name="Stores")
    sub = BusinessUnitFactory(name="Stores North", parent=unit)
    people = [UserFactory(unit=unit), UserFactory(unit=sub), UserFactory(unit=unit)]
    UserFactory()  # elsewhere
    client.force_login(trainer)
    response = client.post(url("invite", mine), {"invite": "unit", "unit-unit": str(unit.pk)})
    assert response.status_code == 302
    assert set(Enrollment.objects.values_list("user_id", flat=True)) == {p.pk for p in people}


def upload(text: bytes, name="people.csv"):
    file = io.BytesIO(text)
    file.name = name
    return file


def test_a_csv_with_unknown_and_repeated_addresses_invites_nobody(client, trainer, mine):
    UserFactory(email="ann@spoke.example")
    client.force_login(trainer)
    response = client.post(
        url("invite", mine),
        {
            "invite": "csv",
            "csv-file": upload(
                b"email\nann@spoke.example\nghost@spoke.example\nANN@spoke.example\n"
            ),
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nobody was invited" in html
    assert "Line 3: nobody has the address ghost@spoke.example." in html
    assert "Line 4: ann@spoke.example is already on line 2." in html
    assert not Enrollment.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("caf\xe9@spoke.example".encode("latin-1"), "not UTF-8"),
        (b"", "The submitted file is empty."),
        (b"\n\n", "no e-mail addresses"),
    ],
)
def test_broken_csv_files_are_explained(client, trainer, mine, content, message):
    client.force_login(trainer)
    response = client.post(url("invite", mine), {"invite": "csv", "csv-file": upload(content)})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Enrollment.objects.exists()


def test_a_good_csv_invites_everyone(client, trainer, mine):
    people = [UserFactory(email=f"p{n}@spoke.example") for n in range(3)]
    client.force_login(trainer)
    response = client.post(
        url("invite", mine),
        {
            "invite": "csv",
            "csv-file": upload(b"p0@spoke.example\np1@spoke.example\np2@spoke.example"),
        },
    )
    assert response.status_code == 302
    assert Enrollment.objects.filter(user__in=people, status=Status.INVITED).count() == 3


def test_a_draft_cohort_invites_nobody(client, trainer, mine):
    mine.is_published = False
    mine.save()
    UserFactory(email="ida@spoke.example")
    client.force_login(trainer)
    page = client.get(url("invite", mine))
    assert "This cohort is a draft" in page.content.decode()
    response = client.post(
        url("invite", mine), {"invite": "person", "person-email": "ida@spoke.example"}
    )
    assert "Publish the cohort before inviting people." in response.content.decode()
    assert not Enrollment.objects.exists()


def test_an_unknown_invite_kind_is_refused(client, trainer, mine):
    client.force_login(trainer)
    response = client.post(url("invite", mine), {"invite": "everyone"})
    assert response.status_code == 200
    assert not Enrollment.objects.exists()


# --- Attendance ---------------------------------------------------------------------------


def test_trainer_takes_and_corrects_attendance(client, trainer, mine):
    here = EnrollmentFactory(cohort=mine, user=UserFactory(last_name="Aalto"))
    away = EnrollmentFactory(cohort=mine, user=UserFactory(last_name="Berg"))
    EnrollmentFactory(cohort=mine, status=Status.WAITLISTED)  # not on the list
    session = mine.sessions.get(number=1)
    client.force_login(trainer)
    page = client.get(url("attendance", mine, session.pk))
    assert [e.pk for e, _field in page.context["form"].rows()] == [here.pk, away.pk]
    response = client.post(
        url("attendance", mine, session.pk),
        {f"person-{here.pk}": "present", f"person-{away.pk}": "excused"},
    )
    assert response.status_code == 302
    assert dict(Attendance.objects.values_list("enrollment_id", "status")) == {
        here.pk: "present",
        away.pk: "excused",
    }
    client.post(url("attendance", mine, session.pk), {f"person-{away.pk}": "absent"})
    assert Attendance.objects.get(enrollment=away).status == "absent"
    assert Attendance.objects.count() == 2


def test_attendance_refuses_bad_input(client, trainer, mine):
    person = EnrollmentFactory(cohort=mine)
    session = mine.sessions.get(number=1)
    client.force_login(trainer)
    bad = client.post(url("attendance", mine, session.pk), {f"person-{person.pk}": "asleep"})
    assert bad.status_code == 200
    assert "Select a valid choice" in bad.content.decode()
    empty = client.post(url("attendance", mine, session.pk), {})
    assert "Mark at least one person." in empty.content.decode()
    assert not Attendance.objects.exists()


def test_mark_everyone_else_present_keeps_the_marks_given(client, trainer, mine):
    """The button records everyone left blank as present; a mark the trainer gave (absent)
    stays; people already recorded and left blank in the form become present too."""
    aalto = EnrollmentFactory(cohort=mine, user=UserFactory(last_name="Aalto"))
    berg = EnrollmentFactory(cohort=mine, user=UserFactory(last_name="Berg"))
    cruz = EnrollmentFactory(cohort=mine, user=UserFactory(last_name="Cruz"))
    session = mine.sessions.get(number=1)
    client.force_login(trainer)
    page = client.get(url("attendance", mine, session.pk)).content.decode()
    assert re.search(r'name="fill"\s+value="present"', page)
    assert "Mark everyone else present and save" in page
    response = client.post(
        url("attendance", mine, session.pk), {f"person-{berg.pk}": "absent", "fill": "present"}
    )
    assert response.status_code == 302
    assert dict(Attendance.objects.values_list("enrollment_id", "status")) == {
        aalto.pk: "present",
        berg.pk: "absent",
        cruz.pk: "present",
    }


def test_mark_everyone_present_refuses_a_bad_mark_and_saves_nothing(client, trainer, mine):
    """A forged mark is refused even with the button (listed in the error summary, linked
    to the person's row); a forged fill value fills nothing."""
    person = EnrollmentFactory(cohort=mine)
    other = EnrollmentFactory(cohort=mine)
    session = mine.sessions.get(number=1)
    client.force_login(trainer)
    bad = client.post(
        url("attendance", mine, session.pk), {f"person-{person.pk}": "asleep", "fill": "present"}
    )
    html = bad.content.decode()
    assert "There is a problem" in html
    assert f'href="#person-{person.pk}"' in html
    assert f'id="person-{person.pk}"' in html
    assert not Attendance.objects.exists()
    forged = client.post(url("attendance", mine, session.pk), {"fill": "asleep"})
    assert "Mark at least one person." in forged.content.decode()
    assert not Attendance.objects.filter(enrollment=other).exists()


def test_attendance_waits_for_the_session(client, trainer, mine):
    person = EnrollmentFactory(cohort=mine)
    future = mine.sessions.get(number=2)
    client.force_login(trainer)
    assert "has not started yet" in client.get(url("attendance", mine, future.pk)).content.decode()
    client.post(url("attendance", mine, future.pk), {f"person-{person.pk}": "present"})
    assert not Attendance.objects.exists()


def test_a_session_of_another_cohort_is_not_found(client, trainer, mine):
    client.force_login(trainer)
    assert client.get(url("attendance", mine, SessionFactory().pk)).status_code == 404


# --- Waitlist, withdrawal, cancellation ---------------------------------------------------


def test_withdrawing_asks_first_then_frees_the_place(client, trainer, mine, committed):
    mine.capacity = 1
    mine.save()
    placed = EnrollmentFactory(cohort=mine)
    waiting = EnrollmentFactory(cohort=mine, status=Status.WAITLISTED)
    client.force_login(trainer)
    confirm = client.get(url("withdraw", mine, placed.pk))
    assert "first person on the waitlist" in confirm.content.decode()
    placed.refresh_from_db()
    assert placed.status == Status.ENROLLED
    with committed():
        client.post(url("withdraw", mine, placed.pk))
    placed.refresh_from_db()
    waiting.refresh_from_db()
    assert (placed.status, waiting.status) == (Status.WITHDRAWN, Status.ENROLLED)
    assert [m.to for m in mail.outbox] == [[waiting.user.email]]
    again = client.get(url("withdraw", mine, placed.pk))
    assert again.status_code == 302


def test_giving_a_place_needs_a_free_one(client, trainer, mine):
    mine.capacity = 1
    mine.save()
    EnrollmentFactory(cohort=mine)
    waiting = EnrollmentFactory(cohort=mine, status=Status.WAITLISTED)
    client.force_login(trainer)
    response = client.post(url("promote", mine, waiting.pk), follow=True)
    assert "No place is free" in response.content.decode()
    mine.capacity = 2
    mine.save()
    assert client.get(url("promote", mine, waiting.pk)).status_code == 405
    client.post(url("promote", mine, waiting.pk))
    waiting.refresh_from_db()
    assert waiting.status == Status.ENROLLED


def test_cancelling_needs_a_reason_and_tells_everyone(client, trainer, mine, committed):
    people = [EnrollmentFactory(cohort=mine), EnrollmentFactory(cohort=mine, status=Status.INVITED)]
    client.force_login(trainer)
    confirm = client.get(url("cancel", mine))
    assert "tells the 2 people" in confirm.content.decode()
    short = client.post(url("cancel", mine), {"reason": "no"})
    assert "Say in a sentence why" in short.content.decode()
    mine.refresh_from_db()
    assert mine.cancelled_at is None
    with committed():
        response = client.post(url("cancel", mine), {"reason": "The trainer is ill this month."})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == Cohort.Status.CANCELLED
    assert sorted(m.to[0] for m in mail.outbox) == sorted(e.user.email for e in people)
    assert "The trainer is ill this month." in mail.outbox[0].body
    assert client.get(url("cancel", mine)).status_code == 302
