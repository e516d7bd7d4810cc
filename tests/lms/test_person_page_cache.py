"""A learner's own pages kept for them (core.personcache): served again while nothing they
show has changed, and never once it has, never to anyone else, never with a stale form
token, and never for pages that show other people's rows."""

import os
import zlib
from datetime import timedelta
from http import HTTPStatus
from unittest import mock
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Site

from assessments.models import Review, Submission
from cms.models import SiteSettings
from cohorts.models import Enrollment
from core import personcache
from core.pagecache import HIT_HEADER
from courses.models import LessonPage
from courses.services import lesson_complete
from people import roles
from tests.assessments.helpers_review import assignment_for, running_cohort
from tests.conftest import require_service
from tests.factories import (
    CourseIndexPageFactory,
    EnrollmentFactory,
    LessonPageFactory,
    UserFactory,
    add_role,
)

pytestmark = pytest.mark.django_db

DOWN = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def world(learner):
    """The learner's course run in a cohort: two lessons open since session 1, a third
    opening with session 2 (in five days), one lesson done."""
    SiteSettings.for_site(Site.objects.get(is_default_site=True))
    catalogue = CourseIndexPageFactory(title="Courses")
    cohort = running_cohort()
    course = cohort.course
    lessons = [
        LessonPageFactory(parent=course, title=title, revision=False)
        for title in ("Your profile", "Your first post", "Your first reply")
    ]
    sessions = list(cohort.sessions.order_by("number"))
    sessions[0].lessons.set(lessons[:2])
    sessions[1].lessons.set(lessons[2:])
    EnrollmentFactory(cohort=cohort, user=learner, status=Enrollment.Status.ENROLLED)
    lesson_complete(user=learner, lesson=lessons[0])
    return {"catalogue": catalogue, "course": course, "lessons": lessons, "cohort": cohort}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _hit(response) -> bool:
    return response.get(HIT_HEADER) == "hit"


def _kept_twice(client, url):
    """The page made, then served again: (first, second)."""
    first = client.get(url)
    second = client.get(url)
    assert first.status_code == second.status_code == HTTPStatus.OK, url
    return first, second


def _pages(world) -> dict[str, str]:
    return {
        "lesson": world["lessons"][1].url,
        "course": world["course"].url,
        "dashboard": reverse("dashboard"),
    }


@pytest.mark.parametrize("page", ["lesson", "course", "dashboard"])
def test_a_learners_own_page_is_served_again_in_three_queries(
    world, learner, page, django_assert_max_num_queries
):
    """Served again, a page costs the session, the person (who carries their stamp) and
    the content stamp; and it is the same page."""
    client = _client(learner)
    url = _pages(world)[page]
    first = client.get(url)
    assert not _hit(first)
    with django_assert_max_num_queries(3):
        second = client.get(url)
    assert _hit(second)
    assert second["Cache-Control"] == first["Cache-Control"]
    assert "private" in second["Cache-Control"]
    strip = personcache._without_tokens
    assert strip(second.content) == strip(first.content)


def test_one_learners_page_never_reaches_another(world, learner):
    """Two learners in the same cohort read the same lesson: each sees their own
    progress, though the first one's page is kept."""
    other = UserFactory(first_name="Otto", last_name="Other")
    EnrollmentFactory(cohort=world["cohort"], user=other, status=Enrollment.Status.ENROLLED)
    lesson_complete(user=other, lesson=world["lessons"][1])
    url = world["lessons"][1].url
    lena = _client(learner)
    _kept_twice(lena, url)
    page = _client(other).get(url)
    assert not _hit(page)
    assert "You finished this lesson." in page.content.decode()  # Otto did
    mine = lena.get(url)
    assert _hit(mine)
    assert "You finished this lesson." not in mine.content.decode()  # Lena did not


def test_a_visitor_never_sees_a_kept_signed_in_page(world, learner):
    """A visitor asking for the course a learner's page is kept for gets the visitor's
    page (no name, no progress)."""
    url = world["course"].url
    _kept_twice(_client(learner), url)
    page = Client().get(url)
    assert page.status_code == HTTPStatus.OK
    assert "Log out" not in page.content.decode()
    assert "Log in" in page.content.decode()


def test_marking_a_lesson_done_shows_at_once_everywhere(world, learner):
    """The learner marks a lesson done: the lesson, the course page and the dashboard
    they had kept all show it on the next view."""
    client = _client(learner)
    pages = _pages(world)
    for url in pages.values():
        _kept_twice(client, url)
    lesson = world["lessons"][1]
    response = client.post(reverse("courses:lesson_complete", kwargs={"lesson_id": lesson.pk}))
    assert response.status_code == HTTPStatus.FOUND
    page = client.get(pages["lesson"])
    assert not _hit(page)
    text = page.content.decode()
    assert "Lesson marked as done." in text  # the message, shown once, on a fresh page
    assert "You finished this lesson." in text
    again = client.get(pages["lesson"])
    assert "Lesson marked as done." not in again.content.decode()
    for name in ("course", "dashboard"):
        assert not _hit(client.get(pages[name])), name


def test_a_page_with_a_message_waiting_is_neither_served_nor_kept(world, learner):
    """A message waiting for the person shows on the page; that page is never kept."""
    client = _client(learner)
    url = world["lessons"][1].url
    _kept_twice(client, url)
    lesson = world["lessons"][0]  # done already: "you had already marked it"
    client.post(reverse("courses:lesson_complete", kwargs={"lesson_id": lesson.pk}))
    with_message = client.get(url)
    assert not _hit(with_message)
    assert "You had already marked this lesson as done." in with_message.content.decode()
    after = client.get(url)
    assert "You had already marked this lesson as done." not in after.content.decode()


def test_a_trainers_review_reaches_the_learners_dashboard(world, learner, trainer):
    """A review is written about the learner's work (a row that points to the submission,
    not to them): their kept dashboard is made again."""
    task = assignment_for(world["cohort"])
    submission = Submission.objects.create(
        user=learner,
        assignment=task,
        cohort=world["cohort"],
        link_url="https://www.linkedin.com/posts/lena-1",
        status=Submission.Status.SUBMITTED,
        submitted_at=timezone.now(),
    )
    client = _client(learner)
    _kept_twice(client, reverse("dashboard"))
    stamp = learner.__class__.objects.get(pk=learner.pk).page_stamp
    Review.objects.create(
        submission=submission,
        reviewer=trainer,
        decision=Review.Decision.NEEDS_REVISION,
        feedback="Good start.",
    )
    assert learner.__class__.objects.get(pk=learner.pk).page_stamp != stamp
    assert not _hit(client.get(reverse("dashboard")))


def test_joining_a_group_changes_what_the_person_sees(world, learner):
    """Roles come from groups: joining one makes the kept pages again (a trainer's
    dashboard is not kept at all)."""
    client = _client(learner)
    _kept_twice(client, reverse("dashboard"))
    before = learner.__class__.objects.get(pk=learner.pk).page_stamp
    add_role(learner, roles.TRAINER)
    after = learner.__class__.objects.get(pk=learner.pk).page_stamp
    assert after != before  # the group itself changes the stamp, whatever the page
    first, second = client.get(reverse("dashboard")), client.get(reverse("dashboard"))
    assert not _hit(first)
    assert not _hit(second)
    # From the group's side too: removing them through the group changes it again.
    from django.contrib.auth.models import Group

    Group.objects.get(name=roles.TRAINER).user_set.remove(learner)
    assert learner.__class__.objects.get(pk=learner.pk).page_stamp != after


def test_a_published_change_shows_on_a_kept_page(world, learner):
    """Publishing a new title of a lesson shows on the learner's kept lesson at once."""
    client = _client(learner)
    lesson = world["lessons"][1]
    _kept_twice(client, lesson.url)
    lesson = LessonPage.objects.get(pk=lesson.pk)
    lesson.title = "Your first post, revised"
    lesson.save_revision().publish()
    page = client.get(lesson.url)
    assert not _hit(page)
    assert "Your first post, revised" in page.content.decode()


def test_a_kept_page_ends_when_the_next_lesson_opens(world, learner):
    """The course page names the next lesson's opening; it is kept no longer than until
    then (and never longer than PERSON_PAGE_TIMEOUT)."""
    client = _client(learner)
    opening = timezone.now() + timedelta(seconds=20)
    world["cohort"].sessions.filter(number=2).update(
        starts_at=opening, ends_at=opening + timedelta(hours=1)
    )
    from core.pagecache import content_changed

    content_changed()  # a bulk write sends no signal: the services change the stamp
    kept = []
    real_set = personcache._cache_set
    with mock.patch.object(
        personcache, "_cache_set", side_effect=lambda *a: (kept.append(a), real_set(*a))
    ):
        client.get(world["course"].url)
    (_key, _entry, timeout) = kept[0]
    assert 0 < timeout <= 20
    # Past the opening (the kept page has expired by then), the lesson is open.
    cache.clear()
    later = opening + timedelta(seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        page = client.get(world["lessons"][2].url)
    assert page.status_code == HTTPStatus.OK


def test_a_kept_dashboard_ends_when_the_next_session_starts(world, learner):
    """ "My cohorts" names the next session's start: the dashboard is kept until then."""
    starts = timezone.now() + timedelta(seconds=25)
    world["cohort"].sessions.filter(number=2).update(
        starts_at=starts, ends_at=starts + timedelta(hours=1)
    )
    from core.pagecache import content_changed

    content_changed()
    kept = []
    real_set = personcache._cache_set
    with mock.patch.object(
        personcache, "_cache_set", side_effect=lambda *a: (kept.append(a), real_set(*a))
    ):
        _client(learner).get(reverse("dashboard"))
    assert 0 < kept[0][2] <= 25


def test_without_a_named_moment_a_page_is_kept_a_minute_at_most(world, learner):
    """A dashboard says "due tomorrow": it is kept at most PERSON_PAGE_TIMEOUT seconds."""
    kept = []
    real_set = personcache._cache_set
    with mock.patch.object(
        personcache, "_cache_set", side_effect=lambda *a: (kept.append(a), real_set(*a))
    ):
        _client(learner).get(reverse("dashboard"))
    assert kept
    assert kept[0][2] == personcache.PERSON_PAGE_TIMEOUT == 60


def test_a_replayed_page_carries_a_working_form_token(world, learner):
    """The kept lesson's form carries this request's own CSRF token: posting it works,
    with the CSRF check on, and the kept copy holds no token at all."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    url = world["lessons"][1].url
    kept = []
    real_set = personcache._cache_set
    with mock.patch.object(
        personcache, "_cache_set", side_effect=lambda *a: (kept.append(a), real_set(*a))
    ):
        client.get(url)
    (_key, (_status, _headers, packed), _timeout) = kept[0]
    content = zlib.decompress(packed)
    assert personcache._TOKEN_HOLE in content
    assert b'name="csrfmiddlewaretoken" value="spoke-csrf' in content
    replay = client.get(url)
    assert _hit(replay)
    text = replay.content.decode()
    assert personcache._TOKEN_HOLE.decode() not in text
    token = text.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    assert len(token) == 64
    response = client.post(
        reverse("courses:lesson_complete", kwargs={"lesson_id": world["lessons"][1].pk}),
        {"csrfmiddlewaretoken": token},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert world["lessons"][1].completions.filter(user=learner).exists()


def test_a_new_sign_in_starts_from_its_own_pages(world, learner):
    """Another session of the same person (another browser, or after logging out and in)
    is not served the first session's page."""
    url = world["lessons"][1].url
    _kept_twice(_client(learner), url)
    assert not _hit(_client(learner).get(url))


@pytest.mark.parametrize("who", ["manager", "trainer", "hr"])
def test_pages_showing_other_peoples_rows_are_never_kept(world, learner, who):
    """A manager's dashboard shows their team, a trainer's their cohorts and queue, HR's
    the units' figures: made at each request. A trainer's lesson (with the editing bar)
    is never kept either."""
    person = {
        "manager": lambda: UserFactory(role="manager"),
        "trainer": lambda: add_role(UserFactory(), roles.TRAINER),
        "hr": lambda: add_role(UserFactory(), roles.HR),
    }[who]()
    if who == "manager":
        UserFactory(manager=person)
    client = _client(person)
    for url in (reverse("dashboard"), world["lessons"][1].url if who == "trainer" else None):
        if url is None:
            continue
        first, second = client.get(url), client.get(url)
        assert first.status_code == HTTPStatus.OK
        assert not _hit(second), url


def _exercise(world, learner):
    """The learner's lesson answers twice, and a change about them shows at once."""
    client = _client(learner)
    url = world["lessons"][1].url
    first, second = client.get(url), client.get(url)
    assert first.status_code == second.status_code == HTTPStatus.OK
    assert "Your first post" in second.content.decode()
    lesson_complete(user=learner, lesson=world["lessons"][1])
    assert "You finished this lesson." in client.get(url).content.decode()


def test_a_redis_that_is_down_serves_the_page(settings, world, learner):
    """With Redis refusing connections a learner's page is made each time, never a 500."""
    settings.CACHES = {"default": {"BACKEND": "core.cache.FailSoftRedisCache", "LOCATION": DOWN}}
    _exercise(world, learner)


def test_a_cache_that_answers_garbage_serves_the_page(world, learner):
    """A cache whose reads of our keys fail (or cannot be unpickled) costs time only."""
    real_get = cache.get

    def garbage(key, *args, **kwargs):
        if key.startswith("spoke:"):
            raise ValueError("garbage")
        return real_get(key, *args, **kwargs)

    with mock.patch.object(cache, "get", side_effect=garbage):
        _exercise(world, learner)


@pytest.mark.parametrize(
    "garbage", [b"not a page", ("200", [], b"not zlib"), (200, [], None), 42, ("a", "b")]
)
def test_a_kept_entry_that_is_garbage_is_a_miss(world, learner, garbage):
    """Whatever sits under a kept page's key (an older shape, a stranger's write), the
    page is made instead of failing."""
    client = _client(learner)
    url = world["lessons"][1].url
    real_get = cache.get

    def answer(key, *args, **kwargs):
        if key.startswith("spoke:person-page:"):
            return garbage
        return real_get(key, *args, **kwargs)

    with mock.patch.object(cache, "get", side_effect=answer):
        page = client.get(url)
    assert page.status_code == HTTPStatus.OK
    assert not _hit(page)
    assert "Your first post" in page.content.decode()


def test_pages_are_kept_on_a_real_redis(settings, world, learner):
    """On Redis, shared by every process: kept, served again, and made again after a
    change (a database of this test's own, since the test empties it)."""
    import redis

    server = urlsplit(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0")
    url = urlunsplit(server._replace(path="/13"))
    try:
        available = bool(redis.Redis.from_url(url, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        available = False
    require_service(available, f"Redis does not answer at {url}")
    settings.CACHES = {
        "default": {"BACKEND": "core.cache.FailSoftRedisCache", "LOCATION": url, "KEY_PREFIX": "p"}
    }
    cache.clear()
    client = _client(learner)
    page = world["lessons"][1].url
    _first, second = _kept_twice(client, page)
    assert _hit(second)
    _exercise(world, learner)


def test_a_bulk_write_about_people_changes_their_stamps(world, learner):
    """Writes that send no signal call person_changed: a cohort that ends completes its
    places in bulk, and each person's kept pages end."""
    from cohorts.services import cohorts_complete

    cohort = world["cohort"]
    before = learner.__class__.objects.get(pk=learner.pk).page_stamp
    ended = timezone.now() - timedelta(minutes=1)
    cohort.__class__.objects.filter(pk=cohort.pk).update(ends_at=ended)
    assert cohorts_complete(now=timezone.now()) == 1
    assert learner.__class__.objects.get(pk=learner.pk).page_stamp != before


def test_saving_the_person_changes_their_stamp(learner):
    """Their own row (unit, time zone, name) is on their pages: saving it is a change; a
    new person starts with a stamp of their own."""
    before = learner.page_stamp
    learner.time_zone = "Asia/Tokyo"
    learner.save()
    learner.refresh_from_db()
    assert learner.page_stamp != before
    assert UserFactory().page_stamp not in {before, learner.page_stamp}
