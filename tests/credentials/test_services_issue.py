"""What earns a credential: each issued once, after the commit, with one e-mail; nothing
without a signing key until the nightly sweep catches up; revocation for both causes."""

import logging
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import transaction

from advocacy import services as advocacy_services
from advocacy.models import RosterMembership, Tier
from competencies.levels import Level
from competencies.services import evidence_correct
from courses.models import CourseCompletion
from courses.services import lesson_complete
from credentials import services, tasks
from credentials.models import Credential
from tests.credentials.conftest import (
    award,
    complete_course,
    credentials_of,
    join_roster,
    roster_move,
)

pytestmark = pytest.mark.django_db

Status = RosterMembership.Status


def issued_mails(user):
    return [message for message in mail.outbox if message.to == [user.email]]


# --- Courses -------------------------------------------------------------------------------


def test_completing_a_course_issues_one_credential_and_one_email(
    signing_key, learner, course, committed
):
    """The last lesson done: one course credential, one e-mail with the certificate link."""
    complete_course(learner, course, committed)
    (credential,) = credentials_of(learner)
    assert credential.kind == Credential.Kind.COURSE
    assert credential.course_id == course.pk
    assert credential.name == "Listening to customers"
    assert credential.holder_name == "Lena Learner"
    (message,) = issued_mails(learner)
    assert "Listening to customers" in message.subject
    assert f"/credentials/c/{credential.token}/" in message.body
    assert "&quot;" not in message.body
    assert "&#x27;" not in message.body


def test_a_duplicate_event_or_retried_task_issues_nothing_new(
    signing_key, learner, course, committed
):
    """The task run again (a retry, a duplicate message): still one credential, one e-mail."""
    complete_course(learner, course, committed)
    with committed():
        tasks.course_credential_task(learner.pk, course.pk)
        tasks.course_credential_task(learner.pk, course.pk)
        services.credentials_sync_for_user(user=learner, now=credentials_of(learner)[0].issued_at)
    assert len(credentials_of(learner)) == 1
    assert len(issued_mails(learner)) == 1


def test_nothing_is_enqueued_before_the_commit(
    signing_key, learner, course, django_capture_on_commit_callbacks
):
    """Inside the transaction no task runs; a rolled-back completion issues nothing."""
    with mock.patch("credentials.tasks.course_credential_task.delay") as delay:
        with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
            for lesson in course.test_lessons:
                lesson_complete(user=learner, lesson=lesson)
            assert CourseCompletion.objects.filter(user=learner, course=course).exists()
            delay.assert_not_called()
        for callback in callbacks:
            callback()
        delay.assert_called_once_with(learner.pk, course.pk)
    assert credentials_of(learner) == []


def test_a_course_not_completed_earns_nothing(signing_key, learner, course):
    """The task for a course the person has not completed issues nothing."""
    assert tasks.course_credential_task(learner.pk, course.pk) is False
    assert credentials_of(learner) == []


# --- Competencies --------------------------------------------------------------------------


def test_reaching_configured_levels_issues_each_once(
    signing_key, learner, competency, trainer, committed
):
    """Practising earns nothing (not configured); Proficient one; Coach another; more
    evidence at the same level nothing more."""
    award(learner, competency, Level.PRACTISING, trainer, committed)
    assert credentials_of(learner) == []
    award(learner, competency, Level.PROFICIENT, trainer, committed)
    award(learner, competency, Level.PROFICIENT, trainer, committed)
    assert [c.level for c in credentials_of(learner)] == [Level.PROFICIENT]
    award(learner, competency, Level.COACH, trainer, committed)
    assert [c.level for c in credentials_of(learner)] == [Level.PROFICIENT, Level.COACH]
    assert len(issued_mails(learner)) == 2


def test_jumping_straight_to_coach_issues_both_levels(
    signing_key, learner, competency, trainer, committed
):
    """Reaching Coach at once earns the Proficient credential too."""
    award(learner, competency, Level.COACH, trainer, committed)
    assert sorted(c.level for c in credentials_of(learner)) == [Level.PROFICIENT, Level.COACH]


def test_evidence_kinds_never_carry_notes(signing_key, learner, competency, trainer, committed):
    """The credential lists kinds of evidence and counts, not the trainer's note."""
    award(learner, competency, Level.PROFICIENT, trainer, committed, note="Private reflection")
    (credential,) = credentials_of(learner)
    assert credential.evidence_kinds[0]["kind"] == "trainer_award"
    assert credential.evidence_kinds[0]["count"] == 1
    assert "Private reflection" not in str(credential.evidence_kinds)
    assert "Private reflection" not in str(credential.document)


def test_a_downward_correction_revokes_the_levels_above(
    signing_key, learner, competency, trainer, admin_user, committed
):
    """An admin corrects Coach down to Practising: both credentials are revoked; earning
    Proficient again later issues a new one."""
    award(learner, competency, Level.COACH, trainer, committed)
    with committed():
        evidence_correct(
            user=learner,
            competency=competency,
            level=Level.PRACTISING,
            by=admin_user,
            note="Awarded to the wrong person",
        )
    credentials = credentials_of(learner)
    assert all(c.revoked_at is not None for c in credentials)
    assert "Practising" in credentials[0].revocation_reason
    award(learner, competency, Level.PROFICIENT, trainer, committed)
    live = Credential.objects.filter(user=learner, revoked_at__isnull=True)
    assert [c.level for c in live] == [Level.PROFICIENT]


def test_a_correction_to_the_same_level_revokes_nothing(
    signing_key, learner, competency, trainer, admin_user, committed
):
    """Corrected to Proficient from Coach: only the Coach credential goes."""
    award(learner, competency, Level.COACH, trainer, committed)
    with committed():
        evidence_correct(
            user=learner,
            competency=competency,
            level=Level.PROFICIENT,
            by=admin_user,
            note="Not a coach yet",
        )
    revoked = {c.level: c.revoked_at is not None for c in credentials_of(learner)}
    assert revoked == {Level.PROFICIENT: False, Level.COACH: True}


def test_only_admins_correct_a_level(learner, competency, trainer, admin_user):
    """A trainer or the person cannot correct a standing; a correction needs a note."""
    for who in (trainer, learner, None):
        with pytest.raises(PermissionDenied):
            evidence_correct(user=learner, competency=competency, level=1, by=who, note="x")
    with pytest.raises(ValueError, match="note"):
        evidence_correct(user=learner, competency=competency, level=1, by=admin_user, note=" ")


# --- The roster ----------------------------------------------------------------------------


def test_joining_the_roster_issues_one_credential_per_tier(signing_key, learner, committed):
    """Active as advocate, then ambassador: one credential for each tier."""
    join_roster(learner, committed)
    join_roster(learner, committed, tier=Tier.AMBASSADOR)
    assert sorted(c.tier for c in credentials_of(learner)) == ["advocate", "ambassador"]
    assert len(issued_mails(learner)) == 2


def test_a_pending_or_eligible_membership_earns_nothing(signing_key, learner, committed):
    """Waiting for approval is not being on the roster."""
    join_roster(learner, committed, tier=Tier.AMBASSADOR, status=Status.PENDING)
    join_roster(learner, committed, tier=Tier.ADVOCATE, status=Status.ELIGIBLE)
    assert credentials_of(learner) == []


@pytest.mark.parametrize("ended", [Status.LAPSED, Status.DECLINED, Status.REMOVED])
def test_a_membership_that_ends_revokes_its_credential(signing_key, learner, committed, ended):
    """Lapsed, left (declined) or removed: the roster credential is revoked."""
    membership = join_roster(learner, committed)
    roster_move(membership, ended, committed)
    (credential,) = credentials_of(learner)
    assert credential.revoked_at is not None
    assert "ended" in credential.revocation_reason


def test_pausing_keeps_the_credential(signing_key, learner, committed, now):
    """A paused member is still on the roster."""
    membership = join_roster(learner, committed)
    with committed():
        advocacy_services.membership_pause(membership=membership, by=learner, now=now)
    (credential,) = credentials_of(learner)
    assert credential.revoked_at is None


def test_rejoining_after_revocation_issues_a_new_credential(signing_key, learner, committed):
    """Active again after a lapse: a new credential, the revoked one stays revoked."""
    membership = join_roster(learner, committed)
    for status in (Status.LAPSED, Status.ACTIVE):
        roster_move(membership, status, committed)
    first, second = credentials_of(learner)
    assert first.revoked_at is not None
    assert second.revoked_at is None
    assert first.status_index != second.status_index


# --- Without a key -------------------------------------------------------------------------


def test_without_a_key_nothing_is_issued_and_the_sweep_catches_up(
    learner, course, committed, caplog, now
):
    """No key: the completion stands, no credential, an error in the log. Once a key
    exists, the nightly sweep issues it (once)."""
    with caplog.at_level(logging.ERROR, logger="credentials.services"):
        complete_course(learner, course, committed)
    assert credentials_of(learner) == []
    assert "no signing key" in caplog.text
    from credentials import keys

    keys.key_create()
    with committed():
        result = tasks.credentials_sync_all()
    assert result["issued"] == 1
    with committed():
        assert tasks.credentials_sync_all()["issued"] == 0
    assert len(credentials_of(learner)) == 1
    assert len(issued_mails(learner)) == 1


def test_a_missing_key_file_is_refused_clearly(signing_key, key_folder, learner, course, committed):
    """The key's row without its file (a restored database, a lost volume): nothing issued."""
    (key_folder / f"{signing_key.kid}.pem").unlink()
    complete_course(learner, course, committed)
    assert credentials_of(learner) == []


def test_the_sweep_revokes_what_a_bulk_change_missed(signing_key, learner, committed, now):
    """A bulk update announces nothing (a new policy version); the sweep revokes."""
    join_roster(learner, committed)
    RosterMembership.objects.filter(user=learner).update(status=Status.LAPSED)
    services.credentials_sync_all(now=now)
    (credential,) = credentials_of(learner)
    assert credential.revoked_at is not None


# --- Hiding --------------------------------------------------------------------------------


def test_only_the_holder_hides(signing_key, learner, manager, course, committed):
    """Someone else cannot hide or show a credential."""
    complete_course(learner, course, committed)
    (credential,) = credentials_of(learner)
    with pytest.raises(PermissionDenied):
        services.credential_set_hidden(credential=credential, by=manager, hidden=True)
    services.credential_set_hidden(credential=credential, by=learner, hidden=True)
    credential.refresh_from_db()
    assert credential.hidden
