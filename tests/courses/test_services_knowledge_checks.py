"""Knowledge checks: graded on the server, every attempt kept, 'aware' evidence once."""

import re
from http import HTTPStatus

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from competencies.levels import Level
from competencies.models import CompetencyEvidence, CompetencyStanding
from competencies.services import evidence_record
from courses.models import KnowledgeCheckAttempt
from courses.services import knowledge_check_answer
from tests.factories import (
    CompetencyFactory,
    CourseIndexPageFactory,
    CoursePageFactory,
    LessonPageFactory,
    knowledge_check,
    lesson_body,
)

CHECK = "check-1"  # its right answers are 0 and 2


@pytest.fixture
def listening(db):
    return CompetencyFactory(name="Listening")


@pytest.fixture
def course(listening):
    CourseIndexPageFactory()
    return CoursePageFactory(competencies=[listening])


@pytest.fixture
def lesson(course):
    return LessonPageFactory(parent=course)


def _answer(person, lesson, selected, block_id=CHECK):
    return knowledge_check_answer(user=person, lesson=lesson, block_id=block_id, selected=selected)


def _nothing_recorded():
    return not KnowledgeCheckAttempt.objects.exists() and not CompetencyEvidence.objects.exists()


def _url(lesson, block_id=CHECK):
    return reverse("courses:knowledge_check_answer", args=[lesson.pk, block_id])


# --- Grading ----------------------------------------------------------------------------


def test_exactly_the_right_answers_pass(lesson, learner):
    """Choosing every right answer and nothing else passes; the attempt keeps the choices."""
    attempt = _answer(learner, lesson, ["2", "0"])
    assert attempt.passed
    assert attempt.selected == [0, 2]
    assert attempt.block_id == CHECK
    assert attempt.lesson_id == lesson.pk


def test_whole_numbers_are_accepted_too(lesson, learner):
    """Callers other than the form may pass integers."""
    assert _answer(learner, lesson, [0, 2]).passed


def test_partly_right_answer_fails(lesson, learner):
    """One of two right answers is not enough."""
    attempt = _answer(learner, lesson, ["0"])
    assert not attempt.passed


def test_an_extra_wrong_answer_fails(lesson, learner):
    """Ticking everything is not a way to pass."""
    assert not _answer(learner, lesson, ["0", "1", "2"]).passed


def test_every_attempt_is_kept(lesson, learner):
    """Failed and passed attempts are all stored, newest first."""
    _answer(learner, lesson, ["1"])
    _answer(learner, lesson, ["0", "2"])
    _answer(learner, lesson, ["0"])
    passed = list(KnowledgeCheckAttempt.objects.values_list("passed", flat=True))
    assert passed == [False, True, False]


@pytest.mark.parametrize(
    ("selected", "message"),
    [
        ([], "Choose at least one answer."),
        (None, "Choose at least one answer."),
        (["0", "0", "2"], "sent more than once"),
        (["0", 0, "2"], "sent more than once"),
        (["7"], "not one of this question's choices"),
        (["3"], "not one of this question's choices"),
        (["-1"], "not one of this question's choices"),
        (["abc"], "not one of this question's choices"),
        (["1.0"], "not one of this question's choices"),
        ([" 1"], "not one of this question's choices"),
        (["٢"], "not one of this question's choices"),  # a non-ASCII digit
        (["0", "99999999999999999999"], "not one of this question's choices"),
        ([True], "not one of this question's choices"),
        ([None], "not one of this question's choices"),
    ],
)
def test_bad_answers_are_refused_and_nothing_is_recorded(lesson, learner, selected, message):
    """Missing, repeated, made-up or malformed choices get a clear error; nothing is stored."""
    with pytest.raises(ValidationError) as error:
        _answer(learner, lesson, selected)
    assert message in " ".join(error.value.messages)
    assert _nothing_recorded()


@pytest.mark.parametrize("block_id", ["heading-1", "text-1", "tip-1", "no-such-block", ""])
def test_block_that_is_not_a_check_in_this_lesson_is_refused(lesson, learner, block_id):
    """Only knowledge-check blocks of this lesson can be answered."""
    with pytest.raises(ValidationError) as error:
        _answer(learner, lesson, ["0", "2"], block_id=block_id)
    assert error.value.code == "unknown_check"
    assert "not part of this lesson" in error.value.messages[0]
    assert _nothing_recorded()


def test_check_of_another_lesson_is_refused(course, lesson, learner):
    """A check id from a different lesson is not answered through this one."""
    other = LessonPageFactory(parent=course, body=lesson_body(check_id="other-check"))
    with pytest.raises(ValidationError):
        _answer(learner, lesson, ["0", "2"], block_id="other-check")
    assert _answer(learner, other, ["0", "2"], block_id="other-check").passed


def test_draft_lesson_is_refused(course, learner):
    """A lesson that is not published cannot be answered, not even through the service."""
    draft = LessonPageFactory(parent=course, live=False)
    with pytest.raises(PermissionDenied):
        _answer(learner, draft, ["0", "2"])
    assert _nothing_recorded()


def test_grading_uses_the_published_body_not_a_draft(lesson, learner):
    """An unpublished edit of the answers does not change grading until it is published."""
    lesson.body = [knowledge_check(block_id=CHECK, choices=(("Now right", True), ("Wrong", False)))]
    lesson.save_revision()
    lesson.refresh_from_db()
    assert _answer(learner, lesson, ["0", "2"]).passed


# --- Evidence ---------------------------------------------------------------------------


def test_first_pass_records_aware_evidence_for_the_course_competencies(lesson, learner, listening):
    """A lesson without its own competencies gives evidence for the course's, at 'aware'."""
    attempt = _answer(learner, lesson, ["0", "2"])
    evidence = CompetencyEvidence.objects.get()
    assert evidence.user == learner
    assert evidence.competency == listening
    assert evidence.level == Level.AWARE
    assert evidence.source_kind == CompetencyEvidence.Source.KNOWLEDGE_CHECK
    assert evidence.source == attempt
    assert evidence.awarded_by is None
    assert lesson.title in evidence.note
    standing = CompetencyStanding.objects.get(user=learner, competency=listening)
    assert standing.level == Level.AWARE


def test_lesson_competencies_replace_the_course_ones(course, learner, listening):
    """A lesson that names competencies gives evidence for those only."""
    crisis = CompetencyFactory(name="Crisis")
    publishing = CompetencyFactory(name="Publishing")
    lesson = LessonPageFactory(parent=course, competencies=[crisis, publishing])
    _answer(learner, lesson, ["0", "2"])
    recorded = set(CompetencyEvidence.objects.values_list("competency__name", flat=True))
    assert recorded == {"Crisis", "Publishing"}


def test_failed_attempt_records_no_evidence(lesson, learner):
    """Only a pass is evidence."""
    _answer(learner, lesson, ["1"])
    assert not CompetencyEvidence.objects.exists()


def test_passing_again_records_nothing_more(lesson, learner):
    """Evidence comes from the first pass of a check; later passes are attempts only."""
    _answer(learner, lesson, ["0"])
    first = _answer(learner, lesson, ["0", "2"])
    _answer(learner, lesson, ["1"])
    _answer(learner, lesson, ["0", "2"])
    assert CompetencyEvidence.objects.count() == 1
    assert CompetencyEvidence.objects.get().source == first
    assert KnowledgeCheckAttempt.objects.count() == 4


def test_each_check_of_a_lesson_counts_once(course, learner):
    """Two checks in one lesson: each gives evidence the first time it is passed."""
    lesson = LessonPageFactory(
        parent=course,
        body=[knowledge_check(block_id="first"), knowledge_check(block_id="second")],
    )
    _answer(learner, lesson, ["0", "2"], block_id="first")
    _answer(learner, lesson, ["0", "2"], block_id="second")
    _answer(learner, lesson, ["0", "2"], block_id="second")
    assert CompetencyEvidence.objects.count() == 2


def test_evidence_is_per_person(lesson, learner, manager):
    """One person's pass is not another's first pass."""
    _answer(learner, lesson, ["0", "2"])
    _answer(manager, lesson, ["0", "2"])
    assert CompetencyEvidence.objects.filter(user=learner).count() == 1
    assert CompetencyEvidence.objects.filter(user=manager).count() == 1


def test_checks_never_raise_a_standing_above_aware(course, learner, listening):
    """However many checks pass, the standing from checks stays at 'aware'."""
    for number in range(3):
        lesson = LessonPageFactory(parent=course, body=[knowledge_check(block_id=f"c{number}")])
        _answer(learner, lesson, ["0", "2"], block_id=f"c{number}")
    assert set(CompetencyEvidence.objects.values_list("level", flat=True)) == {Level.AWARE}
    assert CompetencyStanding.objects.get(user=learner).level == Level.AWARE


def test_a_pass_does_not_lower_a_higher_standing(lesson, learner, trainer, listening):
    """Someone a trainer rated 'proficient' stays proficient after passing a check."""
    evidence_record(
        user=learner, competency=listening, level=Level.PROFICIENT, source=None, awarded_by=trainer
    )
    _answer(learner, lesson, ["0", "2"])
    assert CompetencyStanding.objects.get(user=learner).level == Level.PROFICIENT


def test_attempt_names_its_kind_of_evidence():
    """The ledger files attempts under knowledge checks."""
    assert KnowledgeCheckAttempt.evidence_source_kind == CompetencyEvidence.Source.KNOWLEDGE_CHECK


# --- The endpoint -----------------------------------------------------------------------


def test_answer_redirects_back_to_the_check_with_a_message(client, lesson, learner):
    """Post, then redirect to the check's result on the lesson page, which says how it
    went; the result is the page's landing point and is marked to take the focus, so a
    screen reader reads it out."""
    client.force_login(learner)
    response = client.post(_url(lesson), {"choice": ["0", "2"]})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{lesson.url}#check-{CHECK}-result"
    content = client.get(response["Location"]).content.decode()
    assert "Right! Your answer is correct." in content
    assert "Right! You chose exactly the right answers." in content
    assert re.search(
        rf'<div class="knowledge-check__result"\s+id="check-{CHECK}-result"\s+'
        r'tabindex="-1"\s+data-announce>',
        content,
    )
    assert KnowledgeCheckAttempt.objects.get().passed


def test_wrong_answer_message(client, lesson, learner):
    """A wrong answer is a gentle 'not quite' with a way to try again."""
    client.force_login(learner)
    response = client.post(_url(lesson), {"choice": ["1"]}, follow=True)
    assert "Not quite." in response.content.decode()


def test_nothing_ticked_is_said_at_the_check(client, lesson, learner):
    """An answer with nothing ticked lands on an error inside the check itself (tied to
    its question, taking the focus), not only in the banner at the top; nothing is
    stored, and other checks of the page show no error."""
    client.force_login(learner)
    response = client.post(_url(lesson), {})
    assert response["Location"] == f"{lesson.url}?unanswered={CHECK}#check-{CHECK}-error"
    content = client.get(response["Location"]).content.decode()
    assert re.search(
        rf'<p class="error"\s+id="check-{CHECK}-error"\s+tabindex="-1"\s+data-announce>'
        r"Choose at least one answer\.</p>",
        content,
    )
    assert f'aria-describedby="check-{CHECK}-hint check-{CHECK}-error"' in content
    assert _nothing_recorded()
    plain = client.get(f"{lesson.url}?unanswered=another-block").content.decode()
    assert f"check-{CHECK}-error" not in plain
    assert "data-announce>Choose at least" not in plain


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"choice": ["0", "0"]}, "sent more than once"),
        ({"choice": ["5"]}, "not one of this question"),
        ({"choice": ["zero"]}, "not one of this question"),
    ],
)
def test_bad_answer_through_the_form_shows_the_error(client, lesson, learner, data, message):
    """Bad form data comes back to the check with the error, and nothing is stored."""
    client.force_login(learner)
    response = client.post(_url(lesson), data)
    assert response["Location"] == f"{lesson.url}#check-{CHECK}"
    assert message in client.get(response["Location"]).content.decode()
    assert _nothing_recorded()


def test_unknown_block_through_the_form_shows_the_error(client, lesson, learner):
    """A block id that is no check of the lesson returns to the lesson top with the error."""
    client.force_login(learner)
    response = client.post(_url(lesson, "heading-1"), {"choice": ["0"]})
    assert response["Location"] == lesson.url
    assert "not part of this lesson" in client.get(lesson.url).content.decode()
    assert _nothing_recorded()


def test_the_client_cannot_claim_a_pass(client, lesson, learner):
    """Extra fields such as 'passed' are ignored: the server grades."""
    client.force_login(learner)
    client.post(_url(lesson), {"choice": ["1"], "passed": "true", "correct": "1"})
    assert not KnowledgeCheckAttempt.objects.get().passed


def test_visitor_is_sent_to_log_in(client, lesson):
    """An anonymous post records nothing and leads to the log-in page, back to the lesson."""
    response = client.post(_url(lesson), {"choice": ["0", "2"]})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/login/?next=")
    assert _nothing_recorded()


def test_get_is_not_allowed(client, lesson, learner):
    """Answers are posted, never sent by GET."""
    client.force_login(learner)
    response = client.get(_url(lesson), {"choice": ["0", "2"]})
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert _nothing_recorded()


def test_draft_lesson_endpoint_is_not_found(client, course, learner, trainer):
    """Posting to a lesson that is not live is a 404, for trainers too."""
    draft = LessonPageFactory(parent=course, live=False)
    for person in (learner, trainer):
        client.force_login(person)
        assert client.post(_url(draft), {"choice": ["0"]}).status_code == HTTPStatus.NOT_FOUND
    assert _nothing_recorded()


def test_unknown_lesson_is_not_found(client, learner, db):
    """A lesson id that does not exist is a 404."""
    client.force_login(learner)
    response = client.post(reverse("courses:knowledge_check_answer", args=[99999, CHECK]))
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_lesson_of_an_unpublished_course_is_not_found(client, course, lesson, learner):
    """A live lesson under a course taken offline cannot be answered."""
    course.live = False
    course.save(update_fields=["live"])
    client.force_login(learner)
    assert client.post(_url(lesson), {"choice": ["0"]}).status_code == HTTPStatus.NOT_FOUND
    assert _nothing_recorded()


def test_csrf_is_enforced(lesson, learner):
    """Without the CSRF token the post is refused; with it, it goes through."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(learner)
    assert browser.post(_url(lesson), {"choice": ["0"]}).status_code == HTTPStatus.FORBIDDEN
    assert _nothing_recorded()
    browser.get(lesson.url)
    token = browser.cookies["csrftoken"].value
    response = browser.post(_url(lesson), {"choice": ["0"], "csrfmiddlewaretoken": token})
    assert response.status_code == HTTPStatus.FOUND
    assert KnowledgeCheckAttempt.objects.count() == 1


@pytest.mark.parametrize("role", ["manager", "trainer", "hr", "lead", "site_admin"])
def test_every_signed_in_role_can_answer(client, request, lesson, role):
    """Until cohorts exist, any signed-in person can answer a published lesson's checks."""
    person = request.getfixturevalue(role)
    client.force_login(person)
    client.post(_url(lesson), {"choice": ["0", "2"]})
    assert KnowledgeCheckAttempt.objects.get(user=person).passed
