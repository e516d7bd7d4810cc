"""Acknowledging the social media policy: where a person stands, and grading the check.

:func:`policy_status` reads; :func:`policy_answers_grade` grades the understanding check
on the server. Nothing here writes: ``advocacy.services.policy_acknowledge`` grades and
writes the :class:`~advocacy.models.PolicyAcknowledgement`, and a new acknowledgement
announces :data:`~advocacy.events.POLICY_ACKNOWLEDGED` for after the commit
(``advocacy.handlers`` re-checks the roster); repeating one announces nothing.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext as _

from cms.models import PolicyQuestion, PolicyVersion
from cms.selectors import policy_current

from .models import PolicyAcknowledgement

# Longest answer worth reading as a choice number ("6"); anything longer is refused unread.
_MAX_ANSWER_LENGTH = 3
_UNSET: Any = object()


@dataclass(frozen=True)
class PolicyStatus:
    """Where one person stands with the policy."""

    version: PolicyVersion | None  # the current version; None when no policy is published
    acknowledgement: PolicyAcknowledgement | None  # of the current version, if any
    last_acknowledged: PolicyVersion | None  # the latest version they acknowledged

    @property
    def acknowledged(self) -> bool:
        return self.acknowledgement is not None

    @property
    def acknowledged_at(self) -> datetime | None:
        return self.acknowledgement.acknowledged_at if self.acknowledgement else None

    @property
    def needs_acknowledging(self) -> bool:
        return self.version is not None and self.acknowledgement is None


def policy_status(*, user, version: PolicyVersion | None = _UNSET) -> PolicyStatus:
    """The current policy version, whether and when ``user`` acknowledged it, and the
    latest version they acknowledged. Two queries (one when ``version``, the current
    version, is passed in; none for an anonymous user)."""
    if version is _UNSET:
        version = policy_current()
    if not getattr(user, "is_authenticated", False):
        return PolicyStatus(version=version, acknowledgement=None, last_acknowledged=None)
    acknowledgements = PolicyAcknowledgement.objects.filter(user=user).select_related("version")
    if version is not None:
        # The current version's acknowledgement first, if there is one; otherwise the latest.
        acknowledgements = acknowledgements.annotate(
            is_current=Case(
                When(version_id=version.pk, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        ).order_by("is_current", "-version__published_at", "-acknowledged_at")
    else:
        acknowledgements = acknowledgements.order_by("-version__published_at", "-acknowledged_at")
    last = acknowledgements.first()
    current = (
        last if last is not None and version is not None and last.version_id == version.pk else None
    )
    return PolicyStatus(
        version=version,
        acknowledgement=current,
        last_acknowledged=last.version if last is not None else None,
    )


def _choice_number(raw: Any) -> int | None:
    """The 1-based number in ``raw``, or ``None`` when it is not a plain small number."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    if not text or len(text) > _MAX_ANSWER_LENGTH or not text.isascii() or not text.isdigit():
        return None
    return int(text)


def policy_question_id(key: Any) -> int | None:
    """The id in ``key`` (an int or a string of digits), or ``None``."""
    if isinstance(key, bool):
        return None
    if isinstance(key, int):
        return key
    if isinstance(key, str):
        text = key.strip()
        if text and len(text) <= 18 and text.isascii() and text.isdigit():
            return int(text)
    return None


def _refusal(question: PolicyQuestion, problem: str) -> ValidationError:
    hint = question.explanation.strip() or _("The answer is in the policy: read it again.")
    return ValidationError(f"{problem} {hint}", code="failed")


def policy_answers_grade(
    questions: list[PolicyQuestion], answers: dict
) -> dict[str, ValidationError]:
    """Errors keyed ``q<pk>``; empty when every question is answered right."""
    by_id = {question.pk: question for question in questions}
    given: dict[int, Any] = {}
    errors: dict[str, ValidationError] = {}
    for key, raw in answers.items():
        question_id = policy_question_id(key)
        if question_id is None or question_id not in by_id:
            label = str(key)[:20]
            errors[f"q{label}"] = ValidationError(
                _("This question is not part of the current check: answer the ones shown."),
                code="failed",
            )
            continue
        given[question_id] = raw
    for question in questions:
        raw = given.get(question.pk)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            errors[f"q{question.pk}"] = _refusal(question, _("Choose an answer."))
            continue
        number = _choice_number(raw)
        if number is None or not 1 <= number <= len(question.choice_list()):
            errors[f"q{question.pk}"] = _refusal(question, _("Choose one of the answers shown."))
        elif number != question.correct_choice:
            errors[f"q{question.pk}"] = _refusal(question, _("Not quite."))
    return errors
