"""What the page caches (core.pagecache, cms.routing) must never do: show a stale page,
show one person's page to another, or fail when the cache does."""

import os
from datetime import timedelta
from http import HTTPStatus
from unittest import mock
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from wagtail.models import Site

from cms.models import SiteSettings
from cohorts.models import Enrollment
from core.models import ContentStamp
from core.pagecache import HIT_HEADER, content_stamp
from courses.models import CoursePage, LessonPage
from courses.services import lesson_complete
from tests.conftest import require_service
from tests.factories import (
    CohortFactory,
    CourseIndexPageFactory,
    EnrollmentFactory,
    SessionFactory,
    UserFactory,
    course_with_lessons,
)

pytestmark = pytest.mark.django_db

DOWN = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture(autouse=True)
def site_settings(db):
    """The site's settings row, which the first page of a fresh site would create (and
    with it a new content stamp)."""
    return SiteSettings.for_site(Site.objects.get(is_default_site=True))


@pytest.fixture
def catalogue():
    return CourseIndexPageFactory(title="All our courses")


@pytest.fixture
def course(catalogue):
    course, lessons = course_with_lessons(lessons=3, parent=catalogue, title="Listening first")
    return course, lessons


def _text(response) -> str:
    return response.content.decode()


def _hit(response) -> bool:
    return response.get(HIT_HEADER) == "hit"


def test_visitors_pages_are_kept_and_served_again(client, course, catalogue):
    """A visitor's catalogue and course page are made once, then come from the cache."""
    page, _ = course
    for url in (catalogue.url, page.url):
        first = client.get(url)
        second = client.get(url)
        assert first.status_code == second.status_code == HTTPStatus.OK
        assert not _hit(first)
        assert _hit(second)
        assert second.content == first.content
        assert second["Content-Security-Policy"] == first["Content-Security-Policy"]


def test_a_published_change_shows_at_once(client, course, catalogue):
    """Publishing a new title shows on the course page and in the catalogue at once."""
    page, _ = course
    client.get(page.url), client.get(catalogue.url)
    assert _hit(client.get(page.url))
    page.title = "Listening, revised"
    page.save_revision().publish()
    for url in (page.url, catalogue.url):
        response = client.get(url)
        assert not _hit(response)
        assert "Listening, revised" in _text(response)


def test_an_unpublished_page_goes_at_once(client, course, catalogue):
    """Unpublishing a course answers 404 at once and takes it out of the catalogue."""
    page, _ = course
    url = page.url
    client.get(url), client.get(url), client.get(catalogue.url)
    page.unpublish()
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    assert "Listening first" not in _text(client.get(catalogue.url))


def test_a_deleted_lesson_leaves_the_outline_at_once(client, course):
    """Deleting a lesson takes it off the (cached) course outline at once."""
    page, lessons = course
    client.get(page.url)
    assert lessons[1].title in _text(client.get(page.url))
    lessons[1].delete()
    assert lessons[1].title not in _text(client.get(page.url))


def test_a_moved_lesson_moves_at_once(client, course, catalogue):
    """Moving a lesson to another course changes both outlines and its address at once."""
    page, lessons = course
    other, _ = course_with_lessons(lessons=1, parent=catalogue, title="Speaking second")
    old_url = lessons[2].url
    client.get(page.url), client.get(other.url)
    lessons[2].move(other, pos="last-child")
    assert lessons[2].title not in _text(client.get(page.url))
    assert lessons[2].title in _text(client.get(other.url))
    learner = UserFactory()
    client.force_login(learner)
    new_url = LessonPage.objects.get(pk=lessons[2].pk).url
    assert new_url != old_url
    moved = client.get(old_url)  # Wagtail's own redirect to the new address, not the page
    assert moved.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert moved["Location"] == new_url
    assert client.get(new_url).status_code == HTTPStatus.OK


def test_visitors_never_get_a_signed_in_page(course, learner):
    """A learner's page is private and kept only for them; visitors get the visitor's
    page, and the learner after them gets their own again."""
    page, lessons = course
    lesson_complete(user=learner, lesson=lessons[0])
    signed_in = Client()
    signed_in.force_login(learner)
    mine = signed_in.get(page.url)
    assert "private" in mine["Cache-Control"]
    assert "Continue" in _text(mine)
    visitor = Client()
    for _ in range(2):
        seen = visitor.get(page.url)
        assert "Log in to start this course" in _text(seen)
        assert "Continue" not in _text(seen)
        assert "Cookie" in seen["Vary"]  # a shared cache downstream keeps them apart too
    again = signed_in.get(page.url)
    assert "Continue" in _text(again)
    assert "Log in to start this course" not in _text(again)


def test_a_request_with_a_session_cookie_is_never_served_from_the_cache(course):
    """Someone carrying a session cookie (even a stale one) gets a page made for them."""
    page, _ = course
    Client().get(page.url)
    assert _hit(Client().get(page.url))
    holder = Client()
    holder.cookies["sessionid"] = "not-a-real-session"
    assert not _hit(holder.get(page.url))
    with_message = Client()
    with_message.cookies["messages"] = "anything"
    assert not _hit(with_message.get(page.url))
    assert not _hit(Client().get(f"{page.url}?audience=managers"))


def test_one_learners_progress_never_shows_on_anothers_page(course, learner):
    """The outline is shared; what is done is each person's own."""
    page, lessons = course
    other = UserFactory(first_name="Olga")
    lesson_complete(user=learner, lesson=lessons[0])
    mine, theirs = Client(), Client()
    mine.force_login(learner)
    theirs.force_login(other)
    for _ in range(2):  # the second time from the warm cache
        assert "lesson-list__item--done" in _text(mine.get(page.url))
        assert "lesson-list__item--done" not in _text(theirs.get(page.url))
        assert "You finished this lesson" in _text(mine.get(lessons[0].url))
        assert "You finished this lesson" not in _text(theirs.get(lessons[0].url))


@pytest.fixture
def scheduled(course, learner):
    """A cohort whose second session (opening the second lesson) starts in an hour."""
    page, lessons = course
    now = timezone.now()
    cohort = CohortFactory(course=page)
    first = SessionFactory(
        cohort=cohort,
        number=1,
        starts_at=now - timedelta(days=1),
        ends_at=now - timedelta(hours=23),
    )
    first.lessons.set([lessons[0]])
    second = SessionFactory(
        cohort=cohort,
        number=2,
        starts_at=now + timedelta(hours=1),
        ends_at=now + timedelta(hours=2),
    )
    second.lessons.set([lessons[1]])
    SessionFactory(
        cohort=cohort,
        number=3,
        starts_at=now + timedelta(days=7),
        ends_at=now + timedelta(days=7, hours=1),
    ).lessons.set([lessons[2]])
    EnrollmentFactory(cohort=cohort, user=learner, status=Enrollment.Status.ENROLLED)
    return second


def test_a_released_lesson_opens_at_its_time(client, course, learner, scheduled):
    """With the schedule in the cache, the lesson opens when its session starts, with no
    write in between."""
    _, lessons = course
    client.force_login(learner)
    assert client.get(lessons[1].url).status_code == HTTPStatus.FORBIDDEN
    assert client.get(lessons[1].url).status_code == HTTPStatus.FORBIDDEN
    stamp = content_stamp()
    later = scheduled.starts_at + timedelta(minutes=1)
    with mock.patch("courses.selectors.timezone.now", return_value=later):
        assert client.get(lessons[1].url).status_code == HTTPStatus.OK
    assert content_stamp() == stamp  # nothing was written: the time alone opened it


def test_a_session_moved_earlier_opens_its_lesson_at_once(client, course, learner, scheduled):
    """A trainer moving a session to now opens its lesson on the next request."""
    _, lessons = course
    client.force_login(learner)
    assert client.get(lessons[1].url).status_code == HTTPStatus.FORBIDDEN
    scheduled.starts_at = timezone.now() - timedelta(minutes=1)
    scheduled.save()
    assert client.get(lessons[1].url).status_code == HTTPStatus.OK


def _exercise(course, catalogue, learner):
    """Visitor and learner pages answer, twice, and a published change shows."""
    page, lessons = course
    visitor, signed_in = Client(), Client()
    signed_in.force_login(learner)
    for _ in range(2):
        assert visitor.get(catalogue.url).status_code == HTTPStatus.OK
        assert visitor.get(page.url).status_code == HTTPStatus.OK
        assert signed_in.get(page.url).status_code == HTTPStatus.OK
        assert signed_in.get(lessons[0].url).status_code == HTTPStatus.OK
    page.title = "Listening, once more"
    page.save_revision().publish()
    assert "Listening, once more" in _text(visitor.get(page.url))
    assert "Listening, once more" in _text(signed_in.get(page.url))


def test_a_redis_that_is_down_is_a_miss_not_an_error(settings, course, catalogue, learner):
    """With Redis refusing connections every page still answers, and stays current."""
    settings.CACHES = {"default": {"BACKEND": "core.cache.FailSoftRedisCache", "LOCATION": DOWN}}
    _exercise(course, catalogue, learner)


def test_a_cache_that_answers_garbage_is_a_miss(course, catalogue, learner):
    """A cache whose reads fail (or cannot be unpickled) costs time, never a 500."""
    real_get = cache.get

    def garbage(key, *args, **kwargs):
        if key.startswith("spoke:"):  # ours; Wagtail's own keys are its business
            raise ValueError("garbage")
        return real_get(key, *args, **kwargs)

    with mock.patch.object(cache, "get", side_effect=garbage):
        _exercise(course, catalogue, learner)


def test_caching_works_on_a_real_redis(settings, course, catalogue, learner):
    """The same on Redis, where every process shares the cache: REDIS_URL's server (or the
    local one), on a database of this test's own, since the test empties it."""
    import redis

    server = urlsplit(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0")
    url = urlunsplit(server._replace(path="/14"))
    try:
        available = bool(redis.Redis.from_url(url, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        available = False
    require_service(available, f"Redis does not answer at {url}")
    settings.CACHES = {
        "default": {"BACKEND": "core.cache.FailSoftRedisCache", "LOCATION": url, "KEY_PREFIX": "t"}
    }
    cache.clear()
    page, _ = course
    Client().get(page.url)
    assert _hit(Client().get(page.url))
    _exercise(course, catalogue, learner)


def test_site_settings_show_at_once(client, course, site_settings):
    """A new company name shows in the footer of a kept visitor's page at once."""
    page, _ = course
    client.get(page.url)
    assert _hit(client.get(page.url))
    site_settings.company_name = "Northwind Rail"
    site_settings.save()
    assert "Northwind Rail" in _text(client.get(page.url))


def test_a_change_made_by_another_process_shows_at_once(client, course):
    """The stamp is read from the database, not from this process's cache: a publish in
    another process (here: rows changed without this process hearing of it) shows on the
    next request, whatever this process has kept."""
    page, _ = course
    client.get(page.url)
    assert _hit(client.get(page.url))
    CoursePage.objects.filter(pk=page.pk).update(title="Changed elsewhere")
    assert "Changed elsewhere" not in _text(client.get(page.url))  # nobody said so yet
    ContentStamp.objects.filter(pk=1).update(token="written-by-another-process")
    assert "Changed elsewhere" in _text(client.get(page.url))


def test_a_page_holding_a_csrf_token_is_never_kept(rf):
    """A page whose rendering asked for the visitor's CSRF token is not kept for others,
    even when the visitor already had the cookie (no Set-Cookie to tell)."""
    from django.http import HttpResponse
    from django.middleware.csrf import get_token

    from core.pagecache import VisitorPageCacheMiddleware, cache_for_visitors

    def view(request):
        from django.contrib.auth.models import AnonymousUser

        request.user = AnonymousUser()
        return cache_for_visitors(request, HttpResponse(f"token {get_token(request)}"))

    middleware = VisitorPageCacheMiddleware(view)
    for _ in range(2):
        response = middleware(rf.get("/a-form/"))
        assert not _hit(response)
