"""Credentials: a signing key in a folder of the test's own, and ways to earn each kind."""

import pytest
from django.utils import timezone

from advocacy.events import MEMBERSHIP_CHANGED
from advocacy.models import RosterMembership, Tier
from competencies.levels import Level
from competencies.services import evidence_record
from core.events import event_announce
from courses.services import lesson_complete
from credentials import keys
from credentials.models import CompetencyCredentialLevel, Credential
from tests.factories import (
    CompetencyFactory,
    CourseIndexPageFactory,
    RosterMembershipFactory,
    course_with_lessons,
)


@pytest.fixture(autouse=True)
def key_folder(settings, tmp_path):
    """Every test signs with keys in its own folder (none until ``signing_key``)."""
    settings.SPOKE_CREDENTIALS_KEY_DIR = tmp_path / "keys"
    return settings.SPOKE_CREDENTIALS_KEY_DIR


@pytest.fixture
def signing_key(db, key_folder):
    return keys.key_create()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what a block schedules for after the commit (tasks, e-mails), as production does."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


@pytest.fixture
def course(db):
    CourseIndexPageFactory()
    course, lessons = course_with_lessons(
        lessons=2, title="Listening to customers", summary="Hear what people say about us."
    )
    course.test_lessons = lessons
    return course


def complete_course(user, course, committed):
    with committed():
        for lesson in course.test_lessons:
            lesson_complete(user=user, lesson=lesson)


@pytest.fixture
def competency(db):
    competency = CompetencyFactory(
        name="Answering complaints",
        slug="answering-complaints",
        description="Replies to an unhappy customer in public, calmly and helpfully.",
    )
    for level in (Level.PROFICIENT, Level.COACH):
        CompetencyCredentialLevel.objects.create(competency=competency, level=level)
    return competency


def award(user, competency, level, trainer, committed, note="well done"):
    with committed():
        evidence_record(
            user=user,
            competency=competency,
            level=level,
            source=None,
            awarded_by=trainer,
            note=note,
        )


def roster_announce(membership, previous_status: str = "") -> None:
    """Announce ``MEMBERSHIP_CHANGED`` for ``membership`` as ``advocacy.services`` does for
    each change it makes (the rows here are written directly, to reach any state)."""
    event_announce(
        MEMBERSHIP_CHANGED,
        user_id=membership.user_id,
        membership_id=membership.pk,
        tier=str(membership.tier),
        status=str(membership.status),
        previous_status=str(previous_status),
    )


def join_roster(user, committed, tier=Tier.ADVOCATE, status=RosterMembership.Status.ACTIVE):
    with committed():
        membership = RosterMembershipFactory(user=user, tier=tier, status=status)
        roster_announce(membership)
    return membership


def roster_move(membership, status, committed) -> None:
    """Change ``membership``'s status and announce it, once committed."""
    with committed():
        previous, membership.status = membership.status, status
        membership.save()
        roster_announce(membership, previous)


def credentials_of(user):
    return list(Credential.objects.filter(user=user).order_by("pk"))


@pytest.fixture
def now():
    return timezone.now()


def bare_credential(user, number: int, **fields) -> Credential:
    """A credential row written directly (no signature needed), for lists and counts."""
    values = {
        "user": user,
        "kind": Credential.Kind.COURSE,
        "achievement_key": f"course:test-{number}",
        "name": f"Course {number}",
        "description": "A course.",
        "criteria": "Completed it.",
        "holder_name": user.get_full_name(),
        "issuer_name": "Spoke",
        "issued_at": timezone.now(),
        "status_index": 1000 + number,
        "document": {},
        "jwt": "",
        "kid": "key-1",
        **fields,
    }
    return Credential.objects.create(**values)
