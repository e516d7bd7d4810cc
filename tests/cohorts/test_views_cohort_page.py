"""The cohort page, its .ics download and the private feed page: who may see what."""

import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from cohorts.models import CalendarFeed, Enrollment
from courses.models import LessonCompletion
from people import roles
from tests.cohorts.helpers_calendar import enroll, make_cohort, make_session
from tests.factories import BusinessUnitFactory, LessonPageFactory, UserFactory, add_role
from tests.queries import no_writes

pytestmark = pytest.mark.django_db

VIDEO = "https://meet.example/secret-room"


@pytest.fixture
def cohort(trainer):
    """A published cohort with three sessions, the last one online."""
    cohort = make_cohort(name="Replying well", trainers=[trainer], sessions=2)
    make_session(
        cohort=cohort,
        number=3,
        title="Online wrap-up",
        starts_at=timezone.now() + datetime.timedelta(days=30),
        place="",
        video_url=VIDEO,
    )
    return cohort


def _page(cohort):
    return reverse("cohorts:detail", args=[cohort.pk])


def _ics(cohort):
    return reverse("cohorts:calendar_ics", args=[cohort.pk])


@pytest.mark.parametrize("url", [_page, _ics])
def test_anonymous_is_sent_to_log_in(client, cohort, url):
    """Visitors are asked to log in for the page and the .ics file."""
    response = client.get(url(cohort))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("url", [_page, _ics])
def test_learner_outside_the_cohort_gets_404(client, cohort, learner, url):
    """A learner who is not in the cohort cannot tell it exists."""
    enroll(learner, make_cohort(sessions=1))
    client.force_login(learner)
    response = client.get(url(cohort))
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert cohort.name.encode() not in response.content


@pytest.mark.parametrize("url", [_page, _ics])
def test_withdrawn_member_gets_404(client, cohort, learner, url):
    """Someone who withdrew no longer sees the cohort."""
    enroll(learner, cohort, Enrollment.Status.WITHDRAWN)
    client.force_login(learner)
    assert client.get(url(cohort)).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("url", [_page, _ics])
def test_trainer_of_another_cohort_gets_404(client, cohort, url):
    """Being a trainer does not open other trainers' cohorts."""
    other_trainer = add_role(UserFactory(), roles.TRAINER)
    make_cohort(trainers=[other_trainer])
    client.force_login(other_trainer)
    assert client.get(url(cohort)).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("url", [_page, _ics])
def test_member_of_a_draft_cohort_gets_404(client, learner, url):
    """Until it is published a cohort is for its trainers only."""
    draft = make_cohort(is_published=False, sessions=1)
    enroll(learner, draft)
    client.force_login(learner)
    assert client.get(url(draft)).status_code == HTTPStatus.NOT_FOUND


def test_missing_cohort_is_404(client, learner):
    """An id that does not exist answers like a cohort one may not see."""
    client.force_login(learner)
    assert client.get(reverse("cohorts:detail", args=[999999])).status_code == (
        HTTPStatus.NOT_FOUND
    )


@pytest.mark.parametrize("status", ["enrolled", "completed", "invited", "waitlisted"])
@pytest.mark.parametrize("url", [_page, _ics])
def test_members_see_the_cohort(client, cohort, learner, status, url):
    """Every member but those who withdrew may open the page and the file."""
    enroll(learner, cohort, status)
    client.force_login(learner)
    assert client.get(url(cohort)).status_code == HTTPStatus.OK


@pytest.mark.parametrize("person", ["trainer", "site_admin"])
@pytest.mark.parametrize("url", [_page, _ics])
def test_trainer_and_admin_see_the_cohort(request, client, cohort, person, url):
    """The cohort's trainers and site admins may open it, even as a draft."""
    cohort.is_published = False
    cohort.save()
    client.force_login(request.getfixturevalue(person))
    response = client.get(url(cohort))
    assert response.status_code == HTTPStatus.OK
    assert VIDEO.encode() in response.content


def test_page_shows_schedule_people_and_state(client, cohort, learner, trainer):
    """The page lists sessions in both zones, trainers, members by name and unit, no e-mails."""
    cohort.time_zone = "America/New_York"
    cohort.save()
    learner.time_zone = "Europe/Amsterdam"
    learner.save()
    enroll(learner, cohort)
    unit = BusinessUnitFactory(name="Customer care")
    fellow = UserFactory(first_name="Femke", last_name="Fellow", unit=unit)
    enroll(fellow, cohort)
    waiting = UserFactory(first_name="Walt", last_name="Waiting")
    enroll(waiting, cohort, Enrollment.Status.WAITLISTED)
    client.force_login(learner)

    response = client.get(_page(cohort))

    content = response.content.decode()
    assert "Femke Fellow" in content
    assert "Customer care" in content
    assert "Walt Waiting" not in content
    assert fellow.email not in content
    assert trainer.email not in content
    assert trainer.get_full_name() in content
    assert "Online wrap-up" in content
    assert "America/New_York" in content
    assert "Europe/Amsterdam" in content
    assert VIDEO in content
    assert "Enrolled" in content
    assert cohort.course.title in content
    assert reverse("cohorts:calendar_ics", args=[cohort.pk]) in content
    assert reverse("cohorts:calendar") in content
    assert response["Cache-Control"] == "private"


@pytest.mark.parametrize("status", ["invited", "waitlisted"])
def test_video_link_hidden_without_a_place(client, cohort, learner, status):
    """People invited or waiting see that a session is online, not its link."""
    enroll(learner, cohort, status)
    client.force_login(learner)
    response = client.get(_page(cohort))
    assert VIDEO.encode() not in response.content
    assert client.get(_ics(cohort)).content.count(VIDEO.encode()) == 0


def test_what_is_due_lists_lessons_not_done(client, cohort, learner):
    """Lessons released so far (by sessions that have started) and not done are due; the
    lessons of later sessions are listed without a link until their session starts."""
    enroll(learner, cohort)
    first = cohort.sessions.get(number=1)
    first.starts_at = timezone.now() - datetime.timedelta(hours=2)
    first.ends_at = timezone.now() - datetime.timedelta(hours=1)
    first.save()
    read, unread, later = (LessonPageFactory(parent=cohort.course) for _ in range(3))
    first.lessons.add(read, unread)
    cohort.sessions.get(number=2).lessons.add(later)
    LessonCompletion.objects.create(user=learner, lesson=read)
    client.force_login(learner)
    response = client.get(_page(cohort))
    assert [lesson.pk for lesson in response.context["due"]] == [unread.pk]
    assert response.context["next_session"].number == 2
    html = response.content.decode()
    assert f'href="{unread.url}"' in html
    assert f'href="{later.url}"' not in html
    assert "opens when this session starts" in html


def test_page_queries_are_bounded(client, django_assert_max_num_queries, learner, trainer):
    """40 members and 10 sessions with lessons still cost a fixed handful of queries."""
    cohort = make_cohort(trainers=[trainer], sessions=10)
    lessons = [LessonPageFactory(parent=cohort.course, revision=False) for _ in range(3)]
    units = [BusinessUnitFactory() for _ in range(4)]
    for session in cohort.sessions.all():
        session.lessons.add(*lessons)
    enroll(learner, cohort)
    for number in range(39):
        enroll(UserFactory(unit=units[number % 4]), cohort)
    client.force_login(learner)
    client.get(_page(cohort))  # warm the per-process caches (site, settings)
    # About 14 for the page's own reads (4 of them: what the schedule released to the
    # person); the rest is the layout (session, user bar, site settings, catalogue link).
    with django_assert_max_num_queries(24):
        response = client.get(_page(cohort))
    assert response.status_code == HTTPStatus.OK
    assert len(response.context["members"]) == 40


def test_feed_page_needs_log_in(client):
    """Visitors are asked to log in to see their feed address."""
    response = client.get(reverse("cohorts:calendar"))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))


def test_feed_page_offers_an_address_and_writes_nothing(client, learner):
    """The first visit shows no address and offers to make one; the GET writes nothing."""
    client.force_login(learner)
    client.get(reverse("dashboard"))  # the session settles first
    with no_writes():
        response = client.get(reverse("cohorts:calendar"))
    assert response.status_code == HTTPStatus.OK
    assert not CalendarFeed.objects.filter(user=learner).exists()
    assert b"Make my calendar address" in response.content
    assert b"webcal://" not in response.content


def test_feed_page_post_makes_and_shows_the_address(client, learner):
    """Asking for an address makes the feed once and shows its absolute address."""
    client.force_login(learner)
    response = client.post(reverse("cohorts:calendar"))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("cohorts:calendar")
    client.post(reverse("cohorts:calendar"))
    feed = CalendarFeed.objects.get(user=learner)
    response = client.get(reverse("cohorts:calendar"))
    assert response.status_code == HTTPStatus.OK
    url = "http://testserver" + reverse("cohorts:feed", args=[feed.token])
    assert url.encode() in response.content
    assert b"webcal://testserver" in response.content
    assert CalendarFeed.objects.filter(user=learner).count() == 1
    assert CalendarFeed.objects.get(user=learner).token == feed.token


def test_feed_page_post_needs_log_in(client):
    """Visitors cannot make a feed; they are asked to log in."""
    response = client.post(reverse("cohorts:calendar"))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))
    assert not CalendarFeed.objects.exists()


def test_reset_changes_the_token_and_kills_the_old_address(client, learner):
    """After a reset the old address is a 404 and the new one works."""
    feed = CalendarFeed.objects.create(user=learner)
    old_url = reverse("cohorts:feed", args=[feed.token])
    assert client.get(old_url).status_code == HTTPStatus.OK
    client.force_login(learner)

    response = client.post(reverse("cohorts:calendar_reset"))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("cohorts:calendar")
    feed.refresh_from_db()
    client.logout()
    assert client.get(old_url).status_code == HTTPStatus.NOT_FOUND
    assert client.get(reverse("cohorts:feed", args=[feed.token])).status_code == HTTPStatus.OK


def test_reset_before_any_feed_creates_one(client, learner):
    """Resetting without a feed yet simply makes one."""
    client.force_login(learner)
    client.post(reverse("cohorts:calendar_reset"))
    assert CalendarFeed.objects.filter(user=learner).exists()


def test_reset_by_get_is_refused(client, learner):
    """Reset only answers POST."""
    feed = CalendarFeed.objects.create(user=learner)
    client.force_login(learner)
    response = client.get(reverse("cohorts:calendar_reset"))
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert CalendarFeed.objects.get(user=learner).token == feed.token


def test_reset_needs_csrf_token(learner):
    """A cross-site POST without the CSRF token is refused and changes nothing."""
    from django.test import Client

    feed = CalendarFeed.objects.create(user=learner)
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    response = client.post(reverse("cohorts:calendar_reset"))
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert CalendarFeed.objects.get(user=learner).token == feed.token


def test_reset_is_for_anonymous_a_log_in_redirect(client):
    """Visitors cannot reset anything."""
    response = client.post(reverse("cohorts:calendar_reset"))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))


def test_only_those_who_run_it_get_the_link_to_the_admin(client, cohort, learner, trainer):
    """Trainers find the roster from the site's cohort page; members do not see the link."""
    admin_url = reverse("cohorts_admin:detail", args=[cohort.pk])
    client.force_login(trainer)
    assert admin_url in client.get(_page(cohort)).content.decode()
    enroll(learner, cohort, "enrolled")
    client.force_login(learner)
    assert admin_url not in client.get(_page(cohort)).content.decode()


@pytest.mark.parametrize("page", ["detail", "calendar_ics", "withdraw"])
def test_a_members_get_of_the_cohort_pages_writes_nothing(client, cohort, learner, page):
    """The cohort page, its .ics file and the leave-confirmation page only read."""
    enroll(learner, cohort)
    client.force_login(learner)
    client.get(reverse("dashboard"))  # the session settles first
    with no_writes():
        response = client.get(reverse(f"cohorts:{page}", args=[cohort.pk]))
    assert response.status_code == HTTPStatus.OK
