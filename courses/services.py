"""Writes about courses: marking lessons done, answering knowledge checks.

Each service checks access and input first, then writes inside one transaction. Knowledge
checks are graded here, from the lesson's published body; nothing the browser says about
right or wrong is believed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from competencies.levels import Level
from competencies.services import evidence_record
from core.events import event_announce

from .events import COURSE_COMPLETED
from .models import CourseCompletion, KnowledgeCheckAttempt, LessonCompletion, LessonPage
from .selectors import (
    knowledge_check_block,
    lesson_competencies,
    lesson_course,
    lesson_is_available,
)


def _require_open(*, user, lesson: LessonPage) -> None:
    """Refuse anything on a lesson that is not published or not open to ``user``."""
    course = lesson_course(lesson=lesson)
    if not lesson.live or course is None or not course.live:
        raise PermissionDenied("This lesson is not published.")
    if not lesson_is_available(user=user, lesson=lesson):
        raise PermissionDenied("This lesson is not open to this person.")


# --- Completion -------------------------------------------------------------------------


@dataclass(frozen=True)
class LessonCompleted:
    """What marking a lesson done changed."""

    completion: LessonCompletion
    lesson_newly_done: bool
    course_completion: CourseCompletion | None
    course_newly_completed: bool


def lesson_complete(*, user, lesson: LessonPage) -> LessonCompleted:
    """Mark ``lesson`` done for ``user``; doing it again changes nothing.

    When every live lesson of the course is then done, the course is completed too (once).
    Lessons that are drafts do not count.
    """
    _require_open(user=user, lesson=lesson)
    course = lesson_course(lesson=lesson)
    with transaction.atomic():
        completion, lesson_new = LessonCompletion.objects.get_or_create(user=user, lesson=lesson)
        live_ids = set(LessonPage.objects.live().child_of(course).values_list("pk", flat=True))
        done_ids = set(
            LessonCompletion.objects.filter(user=user, lesson_id__in=live_ids).values_list(
                "lesson_id", flat=True
            )
        )
        course_completion, course_new = None, False
        if live_ids and live_ids <= done_ids:
            course_completion, course_new = CourseCompletion.objects.get_or_create(
                user=user, course=course
            )
            if course_new:
                # After the commit: credentials issues the course's credential.
                event_announce(COURSE_COMPLETED, user_id=user.pk, course_id=course.pk)
    return LessonCompleted(
        completion=completion,
        lesson_newly_done=lesson_new,
        course_completion=course_completion,
        course_newly_completed=course_new,
    )


# --- Knowledge checks -------------------------------------------------------------------


def _selection_parse(selected, *, choice_count: int) -> list[int]:
    """The chosen answers as positions, or a ValidationError that says what is wrong.

    Accepts whole numbers, or strings of ASCII digits as a form sends them; refuses
    anything else, numbers outside the list and the same answer twice.
    """
    if selected is None or isinstance(selected, (str, bytes)):
        selected = [selected] if selected else []
    values = list(selected)
    if not values:
        raise ValidationError(_("Choose at least one answer."), code="empty")
    positions = []
    for raw in values:
        if isinstance(raw, bool):
            position = None
        elif isinstance(raw, int):
            position = raw
        elif isinstance(raw, str) and raw.isascii() and raw.isdigit() and len(raw) <= 3:
            position = int(raw)
        else:
            position = None
        if position is None or not 0 <= position < choice_count:
            raise ValidationError(
                _(
                    "An answer sent is not one of this question's choices. "
                    "Reload the page and try again."
                ),
                code="unknown_choice",
            )
        positions.append(position)
    if len(set(positions)) != len(positions):
        raise ValidationError(
            _("The same answer was sent more than once. Reload the page and try again."),
            code="duplicate_choice",
        )
    return sorted(positions)


def knowledge_check_answer(
    *, user, lesson: LessonPage, block_id: str, selected
) -> KnowledgeCheckAttempt:
    """Grade one answer to one knowledge check and keep it as an attempt.

    An answer passes when it picks every right choice and nothing else. The first time a
    person passes a check, it is written to the competency ledger as "aware" evidence for
    each competency the lesson covers (the lesson's own, or else the course's); passing the
    same check again adds an attempt, not more evidence.

    Raises ``PermissionDenied`` for a lesson that is not open to the person and
    ``ValidationError`` for an answer that cannot be graded; nothing is written then.
    """
    _require_open(user=user, lesson=lesson)
    check = knowledge_check_block(lesson=lesson, block_id=str(block_id))
    if check is None:
        raise ValidationError(
            _("That question is not part of this lesson. Reload the page and try again."),
            code="unknown_check",
        )
    choices = check.value["choices"]
    positions = _selection_parse(selected, choice_count=len(choices))
    right = [index for index, choice in enumerate(choices) if choice["correct"]]
    passed = positions == right
    competencies = lesson_competencies(lesson=lesson) if passed else []
    with transaction.atomic():
        # One writer per person at a time, so two quick passes cannot both count as first.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        first_pass = (
            passed
            and not KnowledgeCheckAttempt.objects.filter(
                user=user, lesson=lesson, block_id=check.id, passed=True
            ).exists()
        )
        attempt = KnowledgeCheckAttempt.objects.create(
            user=user, lesson=lesson, block_id=check.id, selected=positions, passed=passed
        )
        if first_pass:
            note = _("Passed the knowledge check “%(question)s” in the lesson “%(lesson)s”.") % {
                "question": check.value["question"],
                "lesson": lesson.title,
            }
            for competency in competencies:
                evidence_record(
                    user=user,
                    competency=competency,
                    level=Level.AWARE,
                    source=attempt,
                    awarded_by=None,
                    note=note,
                )
    return attempt
