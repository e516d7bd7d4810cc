"""Scheduling sessions: validation, renumbering, the cohort's span, moves and their notices."""

import zoneinfo
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cohorts.models import Cohort, Enrollment, Session
from cohorts.services import session_create, session_delete, session_update
from tests.factories import CohortFactory, EnrollmentFactory, UserFactory

pytestmark = pytest.mark.django_db
HOUR = timedelta(hours=1)


def add(cohort, by, start, title="Session", **kwargs):
    return session_create(
        cohort=cohort, by=by, title=title, starts_at=start, ends_at=start + HOUR, **kwargs
    )


def numbers(cohort):
    return list(
        Session.objects.filter(cohort=cohort).order_by("starts_at").values_list("title", "number")
    )


def test_sessions_are_numbered_in_time_order(cohort, cohort_trainer, soon):
    """Sessions added out of order are renumbered 1..n by start time."""
    add(cohort, cohort_trainer, soon + 48 * HOUR, "Third")
    add(cohort, cohort_trainer, soon, "First")
    add(cohort, cohort_trainer, soon + 24 * HOUR, "Second")
    assert numbers(cohort) == [("First", 1), ("Second", 2), ("Third", 3)]


def test_cohort_span_follows_its_sessions(cohort, cohort_trainer, soon):
    """The cohort starts with its first session and ends with its last, after any change."""
    first = add(cohort, cohort_trainer, soon)
    last = add(cohort, cohort_trainer, soon + 24 * HOUR)
    cohort.refresh_from_db()
    assert (cohort.starts_at, cohort.ends_at) == (soon, soon + 25 * HOUR)
    session_update(session=last, by=cohort_trainer, data={"ends_at": soon + 27 * HOUR})
    session_delete(session=first, by=cohort_trainer)
    cohort.refresh_from_db()
    assert (cohort.starts_at, cohort.ends_at) == (soon + 24 * HOUR, soon + 27 * HOUR)
    assert numbers(cohort) == [("Session", 1)]
    session_delete(session=last, by=cohort_trainer)
    cohort.refresh_from_db()
    assert (cohort.starts_at, cohort.ends_at) == (None, None)


def test_a_session_must_end_after_it_starts(cohort, cohort_trainer, soon):
    """End before (or at) the start is refused on the ``ends_at`` field."""
    for end in (soon, soon - HOUR):
        with pytest.raises(ValidationError) as caught:
            session_create(
                cohort=cohort, by=cohort_trainer, title="Oops", starts_at=soon, ends_at=end
            )
        assert caught.value.message_dict == {"ends_at": ["A session must end after it starts."]}
    assert not Session.objects.exists()


def test_missing_title_and_naive_times_are_refused(cohort, cohort_trainer, soon):
    """A blank title and a time without zone are named field by field."""
    with pytest.raises(ValidationError) as caught:
        session_create(
            cohort=cohort,
            by=cohort_trainer,
            title="  ",
            starts_at=soon.replace(tzinfo=None),
            ends_at=soon + HOUR,
        )
    assert set(caught.value.message_dict) == {"title", "starts_at"}


def test_sessions_of_a_cohort_may_not_overlap(cohort, cohort_trainer, soon):
    """An overlapping session is refused, naming the one it clashes with; touching is fine."""
    add(cohort, cohort_trainer, soon, "Kick-off")
    with pytest.raises(ValidationError) as caught:
        add(cohort, cohort_trainer, soon + HOUR / 2)
    assert "overlaps session 1 “Kick-off”" in caught.value.message_dict["starts_at"][0]
    add(cohort, cohort_trainer, soon + HOUR)
    other = CohortFactory(trainers=[cohort_trainer])
    add(other, cohort_trainer, soon)  # another cohort's schedule is its own


def test_moving_onto_another_session_is_refused(cohort, cohort_trainer, soon):
    """An update is checked for overlaps too, ignoring the session itself."""
    add(cohort, cohort_trainer, soon)
    second = add(cohort, cohort_trainer, soon + 3 * HOUR)
    session_update(session=second, by=cohort_trainer, data={"starts_at": soon + 2 * HOUR})
    with pytest.raises(ValidationError, match="overlaps session 1"):
        session_update(session=second, by=cohort_trainer, data={"starts_at": soon})


def test_no_sessions_added_to_a_cancelled_or_finished_cohort(cohort, cohort_trainer, soon):
    """Cancelled and finished cohorts keep their schedule."""
    Cohort.objects.filter(pk=cohort.pk).update(cancelled_at=timezone.now())
    cohort.refresh_from_db()
    with pytest.raises(ValidationError, match="cancelled"):
        add(cohort, cohort_trainer, soon)
    past = timezone.now() - 72 * HOUR
    finished = CohortFactory(trainers=[cohort_trainer], starts_at=past, ends_at=past + HOUR)
    with pytest.raises(ValidationError, match="finished"):
        add(finished, cohort_trainer, soon)


@pytest.mark.parametrize("who", ["learner", "hr", "other_trainer"])
def test_only_the_cohorts_trainers_schedule(cohort, cohort_trainer, soon, who, request):
    """A learner, HR or the trainer of another cohort cannot add, change or remove sessions."""
    if who == "other_trainer":
        person = request.getfixturevalue("trainer")
        CohortFactory(trainers=[person])
    else:
        person = request.getfixturevalue(who)
    session = add(cohort, cohort_trainer, soon)
    with pytest.raises(PermissionDenied):
        add(cohort, person, soon + 24 * HOUR)
    with pytest.raises(PermissionDenied):
        session_update(session=session, by=person, data={"title": "Mine"})
    with pytest.raises(PermissionDenied):
        session_delete(session=session, by=person)


def test_site_admin_schedules_any_cohort(cohort, site_admin, soon):
    """Site admins may run every cohort."""
    assert add(cohort, site_admin, soon).number == 1


def test_moving_a_published_session_raises_sequence_and_tells_each_person_once(
    cohort, cohort_trainer, soon, committed
):
    """A new time gives a new sequence and one notice per enrolled person, in their zone."""
    session = add(cohort, cohort_trainer, soon, "Kick-off", place="Room 4")
    tokyo = UserFactory(time_zone="Asia/Tokyo")
    EnrollmentFactory(cohort=cohort, user=tokyo)
    EnrollmentFactory(cohort=cohort)
    EnrollmentFactory(cohort=cohort, status=Enrollment.Status.WITHDRAWN)
    new_start = soon.replace(hour=9) + 24 * HOUR
    with committed():
        moved = session_update(
            session=session,
            by=cohort_trainer,
            data={"starts_at": new_start, "ends_at": new_start + HOUR},
        )
    assert moved.sequence == 1
    assert len(mail.outbox) == 2
    to_tokyo = next(m for m in mail.outbox if m.to == [tokyo.email])
    assert to_tokyo.subject == "Session 1 of Listening 101 · spring has changed"
    local = new_start.astimezone(zoneinfo.ZoneInfo("Asia/Tokyo"))
    assert f"{local:%H:%M} (Asia/Tokyo)" in to_tokyo.body
    assert "(Europe/Amsterdam)" in to_tokyo.body
    with committed():  # the same data again: nothing moves, nobody is told
        session_update(session=moved, by=cohort_trainer, data={"starts_at": new_start})
    with committed():
        moved = session_update(session=moved, by=cohort_trainer, data={"place": "Room 5"})
    assert moved.sequence == 2
    assert len(mail.outbox) == 4


def test_a_title_change_or_a_draft_move_tells_nobody(cohort_trainer, soon, committed):
    """Only time or place changes of a published cohort count as moves."""
    draft = CohortFactory(is_published=False, trainers=[cohort_trainer])
    session = add(draft, cohort_trainer, soon)
    EnrollmentFactory(cohort=draft)
    with committed():
        session = session_update(
            session=session, by=cohort_trainer, data={"starts_at": soon + HOUR / 2}
        )
        session = session_update(session=session, by=cohort_trainer, data={"title": "New"})
    assert session.sequence == 0
    assert mail.outbox == []


def test_unknown_fields_are_a_programming_error(cohort, cohort_trainer, soon):
    """session_update refuses fields it does not know."""
    session = add(cohort, cohort_trainer, soon)
    with pytest.raises(ValueError, match="number"):
        session_update(session=session, by=cohort_trainer, data={"number": 7})
