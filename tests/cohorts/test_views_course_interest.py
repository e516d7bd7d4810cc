"""Interest in the next run of a course: a learner with no cohort open to them registers
it from the course page (a POST) and can withdraw it; trainers see the demand on a
cohort's admin page; when a cohort of the course opens for enrolment, the people waiting
get one plain e-mail with a link."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cohorts.models import Cohort, CourseInterest, Enrollment
from cohorts.services import cohort_save
from tests.factories import (
    BusinessUnitFactory,
    CohortFactory,
    EnrollmentFactory,
    UserFactory,
)
from tests.factories.courses import course_with_lessons

pytestmark = pytest.mark.django_db


def interest_url(course) -> str:
    return reverse("cohorts:interest", args=[course.pk])


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _finished(course, **fields):
    """A published cohort of ``course`` that ended last week."""
    cohort = CohortFactory(course=course, **fields)
    ended = timezone.now() - timedelta(days=7)
    Cohort.objects.filter(pk=cohort.pk).update(starts_at=ended - timedelta(days=14), ends_at=ended)
    cohort.refresh_from_db()
    return cohort


@pytest.fixture
def sales():
    return BusinessUnitFactory(name="Sales")


@pytest.fixture
def lena(learner, sales):
    learner.unit = sales
    learner.save()
    return learner


@pytest.fixture
def course(cohort_trainer):
    """ "Replying well": taught in cohorts; its only cohort ended last week."""
    course, _lessons = course_with_lessons(lessons=2, title="Replying well")
    _finished(course, name="Replying · spring", trainers=[cohort_trainer])
    return course


def test_the_course_page_offers_interest_instead_of_a_dead_end(client, lena, course):
    """No cohort open to her: the page says so and offers the button; the locked-lesson
    text points to it on the page, not to a dashboard that has nothing."""
    client.force_login(lena)
    content = client.get(course.url).content.decode()
    assert 'id="course-cohorts"' in content
    assert "No cohort of this course is open to you right now." in content
    assert f'action="{interest_url(course)}"' in content
    assert 'href="#course-cohorts"' in content
    assert "See the cohorts open to you on your dashboard" not in content


def test_register_then_withdraw(client, lena, course):
    """A POST registers it (back to the course's section, with a message), the page then
    says so and offers to withdraw; withdrawing deletes it."""
    client.force_login(lena)
    response = client.post(interest_url(course), {"action": "register"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{course.url}#course-cohorts"
    assert "Noted: we e-mail you when the next cohort of this course opens." in messages_of(
        response
    )
    assert CourseInterest.objects.filter(user=lena, course=course).count() == 1
    content = client.get(course.url).content.decode()
    assert 'data-interest="registered"' in content
    assert "I am no longer interested" in content
    response = client.post(interest_url(course), {"action": "withdraw"})
    assert response.status_code == HTTPStatus.FOUND
    assert not CourseInterest.objects.filter(user=lena, course=course).exists()
    assert "Tell me about the next cohort" in client.get(course.url).content.decode()


def test_repeated_posts_keep_one_interest(client, lena, course):
    """Pressing twice (or a replayed form) keeps the first request, and says so."""
    client.force_login(lena)
    client.post(interest_url(course), {"action": "register"})
    first = CourseInterest.objects.get(user=lena, course=course)
    response = client.post(interest_url(course), {"action": "register"})
    assert "You are already on the list for this course." in messages_of(response)
    assert list(CourseInterest.objects.filter(user=lena)) == [first]


def test_get_never_writes(client, lena, course):
    """The address answers POST only; a GET (a prefetch, a crawler) changes nothing."""
    client.force_login(lena)
    assert client.get(interest_url(course)).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert client.get(course.url).status_code == HTTPStatus.OK
    assert not CourseInterest.objects.exists()


def test_anonymous_is_sent_to_log_in(client, course):
    response = client.post(interest_url(course), {"action": "register"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))
    assert not CourseInterest.objects.exists()


def test_hostile_ids_and_actions(client, lena, course):
    """A lesson's id, an unknown id, an unpublished course: 404; an unknown action: 400;
    none of them writes anything."""
    client.force_login(lena)
    lesson = course.get_children().first()
    hidden, _lessons = course_with_lessons(lessons=1, title="Not yet")
    hidden.unpublish()
    for pk in (lesson.pk, 999999, hidden.pk):
        response = client.post(reverse("cohorts:interest", args=[pk]), {"action": "register"})
        assert response.status_code == HTTPStatus.NOT_FOUND, pk
    for action in ("", "delete", "register;drop", "<script>"):
        response = client.post(interest_url(course), {"action": action})
        assert response.status_code == HTTPStatus.BAD_REQUEST, action
    assert client.post("/course/abc/interest/", {"action": "register"}).status_code == 404
    assert not CourseInterest.objects.exists()


def test_withdrawing_touches_only_ones_own_interest(client, lena, course):
    """Someone else's interest in the same course stays when Lena withdraws hers (or has
    none to withdraw)."""
    other = UserFactory()
    CourseInterest.objects.create(user=other, course=course)
    client.force_login(lena)
    response = client.post(interest_url(course), {"action": "withdraw"})
    assert "You had not registered interest in this course." in messages_of(response)
    assert CourseInterest.objects.filter(user=other).exists()


def test_with_a_cohort_open_to_her_she_is_sent_there(client, lena, course, cohort_trainer):
    """An open cohort she may join is listed instead, and registering is refused."""
    open_one = CohortFactory(course=course, name="Replying · autumn", trainers=[cohort_trainer])
    client.force_login(lena)
    content = client.get(course.url).content.decode()
    assert reverse("cohorts:detail", args=[open_one.pk]) in content
    assert "Tell me about the next cohort" not in content
    response = client.post(interest_url(course), {"action": "register"})
    assert "A cohort of this course is open to you now: enrol there." in messages_of(response)
    assert not CourseInterest.objects.exists()


def test_a_cohort_open_to_another_unit_only_does_not_count(client, lena, course):
    """A cohort for Support only is not open to Lena in Sales: she may register."""
    CohortFactory(course=course, allowed_units=[BusinessUnitFactory(name="Support")])
    client.force_login(lena)
    client.post(interest_url(course), {"action": "register"})
    assert CourseInterest.objects.filter(user=lena).exists()


def test_a_member_of_a_current_cohort_is_shown_it(client, lena, course):
    """Already in a cohort still to come: the page links to it; registering is refused."""
    cohort = CohortFactory(course=course, enrollment_mode=Cohort.EnrollmentMode.INVITATION)
    EnrollmentFactory(cohort=cohort, user=lena)
    client.force_login(lena)
    assert reverse("cohorts:detail", args=[cohort.pk]) in client.get(course.url).content.decode()
    response = client.post(interest_url(course), {"action": "register"})
    assert "You are already in a cohort of this course." in messages_of(response)


def test_a_self_paced_course_has_no_section(client, lena):
    """A course with no cohort at all is open to read: no section, and no interest."""
    course, _lessons = course_with_lessons(lessons=1, title="On your own")
    client.force_login(lena)
    assert 'id="course-cohorts"' not in client.get(course.url).content.decode()
    response = client.post(interest_url(course), {"action": "register"})
    assert response.status_code == HTTPStatus.FOUND
    assert not CourseInterest.objects.exists()


def test_the_course_page_section_costs_a_fixed_number_of_queries(
    client, lena, course, cohort_trainer, django_assert_max_num_queries
):
    """One past cohort or twelve: the section's queries do not grow."""
    client.force_login(lena)
    client.get(course.url)
    with django_assert_max_num_queries(60) as few:
        client.get(course.url)
    for number in range(11):
        _finished(course, name=f"Old run {number}", trainers=[cohort_trainer])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(course.url).status_code == HTTPStatus.OK


# --- Trainers see the demand ----------------------------------------------------------


def test_trainers_see_who_waits_on_a_cohorts_admin_page(client, course, cohort_trainer, lena):
    """Count and names of the people waiting; someone already in a cohort still to come
    is not counted, nor is someone who left the company."""
    cohort = CohortFactory(course=course, name="Replying · autumn", trainers=[cohort_trainer])
    noor = UserFactory(first_name="Noor", last_name="Haddad")
    placed = UserFactory(first_name="Piet", last_name="Placed")
    gone = UserFactory(first_name="Gone", last_name="Away", is_active=False)
    for person in (lena, noor, placed, gone):
        CourseInterest.objects.create(user=person, course=course)
    EnrollmentFactory(cohort=cohort, user=placed)
    client.force_login(cohort_trainer)
    response = client.get(reverse("cohorts_admin:detail", args=[cohort.pk]))
    assert response.status_code == HTTPStatus.OK
    demand = response.context["demand"]
    assert demand.count == 2
    assert [interest.user for interest in demand.people] == [lena, noor]
    content = " ".join(response.content.decode().split())
    assert "2 people asked to hear when a cohort of this course opens" in content
    assert "Lena Learner (Sales)" in content
    assert "Noor Haddad" in content
    assert "Gone Away" not in content


def test_no_demand_reads_plainly(client, course, cohort_trainer):
    cohort = CohortFactory(course=course, trainers=[cohort_trainer])
    client.force_login(cohort_trainer)
    content = client.get(reverse("cohorts_admin:detail", args=[cohort.pk])).content.decode()
    assert "Nobody is waiting for a cohort of this course." in content


def test_other_trainers_and_learners_do_not_see_the_demand(client, course, learner, trainer):
    """The admin page of a cohort is for its trainers: another trainer gets 404, a
    learner is turned back from the admin."""
    cohort = CohortFactory(course=course)
    CourseInterest.objects.create(user=UserFactory(first_name="Secret"), course=course)
    client.force_login(trainer)
    url = reverse("cohorts_admin:detail", args=[cohort.pk])
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    client.force_login(learner)
    assert "Secret" not in client.get(url).content.decode()


# --- Told when a cohort opens -----------------------------------------------------------


def _save(course, trainer, *, published=True, cohort=None, units=(), **fields):
    data = {
        "name": "Replying · autumn",
        "course": course,
        "time_zone": "Europe/Amsterdam",
        "capacity": 10,
        "enrollment_mode": Cohort.EnrollmentMode.OPEN,
        "is_published": published,
        **fields,
    }
    return cohort_save(
        cohort=cohort, by=trainer, data=data, trainers=[trainer], allowed_units=units
    )


def test_people_waiting_are_told_once_when_a_cohort_opens(course, cohort_trainer, lena, committed):
    """Publishing an open cohort e-mails each person waiting once, in plain text with a
    link to the cohort; saving it again sends nothing more."""
    CourseInterest.objects.create(user=lena, course=course)
    with committed():
        draft = _save(course, cohort_trainer, published=False)
    assert mail.outbox == []
    with committed():
        cohort = _save(course, cohort_trainer, cohort=draft)
    assert [message.to for message in mail.outbox] == [[lena.email]]
    message = mail.outbox[0]
    assert message.subject == "A new cohort of “Replying well” takes people now"
    link = reverse("cohorts:detail", args=[cohort.pk])
    assert link in message.body
    assert "<" not in message.body  # plain text
    with committed():
        _save(course, cohort_trainer, cohort=cohort, capacity=12)
    assert len(mail.outbox) == 1


def test_only_people_the_cohort_is_open_to_are_told(course, cohort_trainer, lena, sales, committed):
    """A cohort for Support only tells nobody in Sales; someone who withdrew is not told."""
    support = BusinessUnitFactory(name="Support")
    sam = UserFactory(unit=support, email="sam@spoke.example")
    withdrawn = UserFactory(unit=support)
    for person in (lena, sam):
        CourseInterest.objects.create(user=person, course=course)
    with committed():
        _save(course, cohort_trainer, units=[support])
    assert [message.to for message in mail.outbox] == [["sam@spoke.example"]]
    assert not CourseInterest.objects.filter(user=withdrawn).exists()


def test_an_invitation_only_cohort_tells_nobody(course, cohort_trainer, lena, committed):
    """A cohort people cannot enrol in themselves is not "open": no e-mail."""
    CourseInterest.objects.create(user=lena, course=course)
    with committed():
        _save(course, cohort_trainer, enrollment_mode=Cohort.EnrollmentMode.INVITATION)
    assert mail.outbox == []


def test_the_enrolled_are_not_told(course, cohort_trainer, lena, committed):
    """Someone already in the cohort when it opens is not told about it."""
    CourseInterest.objects.create(user=lena, course=course)
    with committed():
        draft = _save(course, cohort_trainer, published=False)
    Enrollment.objects.create(cohort=draft, user=lena, status=Enrollment.Status.INVITED)
    with committed():
        _save(course, cohort_trainer, cohort=draft)
    assert mail.outbox == []


def test_a_locked_lesson_points_to_the_course_pages_cohorts(client, lena, course):
    """A lesson of a course taught in cohorts, opened by someone in none, links to the
    cohorts section of the course page (not to a dashboard that lists nothing)."""
    lesson = course.get_children().first()
    client.force_login(lena)
    content = client.get(lesson.url).content.decode()
    assert f'href="{course.url}#course-cohorts"' in content
    assert "listed on your dashboard" not in content
