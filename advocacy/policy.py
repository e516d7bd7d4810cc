"""Acknowledging the social media policy: where a person stands, and passing the check.

:func:`policy_status` reads; :func:`policy_acknowledge` grades the understanding check on
the server and writes the :class:`~advocacy.models.PolicyAcknowledgement`. A new
acknowledgement announces :data:`~advocacy.events.POLICY_ACKNOWLEDGED` for after the
commit (``advocacy.handlers`` re-checks the roster); repeating one announces nothing.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext as _

from cms.models import PolicyQuestion, PolicyVersion
from cms.selectors import policy_current, policy_questions
from core.events import event_announce

from .events import POLICY_ACKNOWLEDGED
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


def _question_id(key: Any) -> int | None:
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


def _grade(questions: list[PolicyQuestion], answers: dict) -> dict[str, ValidationError]:
    """Errors keyed ``q<pk>``; empty when every question is answered right."""
    by_id = {question.pk: question for question in questions}
    given: dict[int, Any] = {}
    errors: dict[str, ValidationError] = {}
    for key, raw in answers.items():
        question_id = _question_id(key)
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


def policy_acknowledge(
    *, user, version_id: Any, answers: dict, now: datetime
) -> PolicyAcknowledgement:
    """Grade ``answers`` (question pk → chosen 1-based choice number) for the current
    version and record that ``user`` acknowledged it.

    Refuses with ``ValidationError``: code ``"no_policy"`` when no policy is published,
    ``"old_version"`` when ``version_id`` is not the current version (the message names
    it), and an error dict keyed ``q<pk>`` (each with code ``"failed"`` and the question's
    explanation) unless every question is answered right. Acknowledging a version again
    returns the existing row and changes nothing.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise PermissionDenied(_("Log in to acknowledge the policy."))
    current = policy_current()
    if current is None:
        raise ValidationError(
            _("There is no policy to acknowledge yet."),
            code="no_policy",
        )
    if _question_id(version_id) != current.pk:
        raise ValidationError(
            _(
                "The policy changed while you were reading it: version %(number)d is now "
                "current. Read what changed, then answer its questions."
            ),
            code="old_version",
            params={"number": current.number},
        )
    errors = _grade(policy_questions(page=current.page), answers)
    if errors:
        raise ValidationError(errors)

    existing = PolicyAcknowledgement.objects.filter(user=user, version=current).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            acknowledgement = PolicyAcknowledgement.objects.create(
                user=user, version=current, acknowledged_at=now
            )
    except IntegrityError:
        # The same person's other click won the race: theirs is the acknowledgement.
        return PolicyAcknowledgement.objects.get(user=user, version=current)
    event_announce(POLICY_ACKNOWLEDGED, user_id=user.pk, version_id=current.pk)
    return acknowledgement
