"""What re-checks the roster and when: the triggers enqueue their task once the transaction
commits (never before, never for a rollback), the tasks call the services, beat runs the
nightly re-check, and the whole chain works end to end with in-process tasks."""

from datetime import timedelta
from http import HTTPStatus
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from advocacy import tasks
from advocacy.models import RosterMembership, Tier
from advocacy.services import policy_acknowledge
from assessments.services import review_decide
from cms.models import PolicyVersion
from competencies.levels import Level
from competencies.services import evidence_record
from tests.assessments.helpers_review import assignment_for, attempt, member, running_cohort
from tests.factories import (
    BusinessUnitFactory,
    PolicyAcknowledgementFactory,
    PolicyPageFactory,
    RosterMembershipFactory,
    UserFactory,
    policy_answers,
    policy_republish,
    qualify,
    roster_framework,
    standing_set,
)

pytestmark = pytest.mark.django_db

Status = RosterMembership.Status
SYNC = "advocacy.tasks.membership_sync_task.delay"
POLICY = "advocacy.tasks.policy_version_started_task.delay"


@pytest.fixture
def framework():
    return roster_framework()


@pytest.fixture
def sync_task():
    with mock.patch(SYNC) as delay:
        yield delay


def core(framework):
    return [competency for competency in framework.values() if competency.is_core]


# --- Triggers ------------------------------------------------------------------------------


def test_new_evidence_enqueues_one_recheck_on_commit(
    framework, trainer, learner, sync_task, django_capture_on_commit_callbacks
):
    """Evidence for three competencies in one transaction: nothing before the commit, one
    re-check of the person after it."""
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        for competency in core(framework):
            evidence_record(
                user=learner, competency=competency, level=2, source=None, awarded_by=trainer
            )
    sync_task.assert_not_called()
    assert callbacks
    for callback in callbacks:
        callback()
    sync_task.assert_called_once_with(learner.pk)


def test_a_rolled_back_change_enqueues_nothing(
    framework, trainer, learner, sync_task, django_capture_on_commit_callbacks
):
    """Evidence written in a transaction that is rolled back asks for no re-check; the next
    committed change still does."""

    def write_then_fail():
        with transaction.atomic():
            evidence_record(
                user=learner, competency=core(framework)[0], level=2, source=None,
                awarded_by=trainer,
            )  # fmt: skip
            raise RuntimeError

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        write_then_fail()
    assert callbacks == []
    sync_task.assert_not_called()
    with django_capture_on_commit_callbacks(execute=True):
        evidence_record(
            user=learner, competency=core(framework)[1], level=2, source=None, awarded_by=trainer
        )
    sync_task.assert_called_once_with(learner.pk)


def test_backdated_evidence_waits_for_the_nightly_run(
    framework, trainer, learner, sync_task, django_capture_on_commit_callbacks
):
    """Records brought in from before Spoke (dated in the past) are not news: no re-check
    at once."""
    with django_capture_on_commit_callbacks(execute=True):
        evidence_record(
            user=learner, competency=core(framework)[0], level=3, source=None,
            awarded_by=trainer, recorded_at=timezone.now() - timedelta(days=30),
        )  # fmt: skip
    sync_task.assert_not_called()


def test_an_acknowledgement_enqueues_a_recheck(
    learner, sync_task, django_capture_on_commit_callbacks
):
    """A policy acknowledgement asks for a re-check of its person once committed."""
    page = PolicyPageFactory()
    version = PolicyVersion.objects.get(page=page)
    answers = {key[1:]: value for key, value in policy_answers(page).items()}
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        policy_acknowledge(user=learner, version_id=version.pk, answers=answers, now=timezone.now())
        sync_task.assert_not_called()
    sync_task.assert_called_once_with(learner.pk)


def _edit(client, person, **changes):
    """Save ``person`` in the Wagtail user admin with ``changes`` to what it shows."""
    data = {
        "email": person.email,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "role": person.role,
        "time_zone": person.time_zone,
        "manager": "",
        "unit": person.unit_id or "",
        "is_active": "on" if person.is_active else "",
        **changes,
    }
    data = {key: value for key, value in data.items() if value != ""}
    return client.post(reverse("wagtailusers_users:edit", args=[person.pk]), data)


def test_a_change_of_unit_or_of_active_in_the_admin_enqueues_a_recheck(
    client, site_admin, learner, sync_task, django_capture_on_commit_callbacks
):
    """A site admin moving someone to another unit or (de)activating them re-checks them; a
    new person or a new name does not."""
    unit = BusinessUnitFactory(name="Retail")
    client.force_login(site_admin)
    with django_capture_on_commit_callbacks(execute=True):
        UserFactory(unit=unit)
        response = _edit(client, learner, first_name="Lena-Marie")
    assert response.status_code == HTTPStatus.FOUND
    sync_task.assert_not_called()
    with django_capture_on_commit_callbacks(execute=True):
        assert _edit(client, learner, unit=unit.pk).status_code == HTTPStatus.FOUND
    sync_task.assert_called_once_with(learner.pk)
    sync_task.reset_mock()
    learner.refresh_from_db()
    assert learner.unit == unit
    with django_capture_on_commit_callbacks(execute=True):
        assert _edit(client, learner, is_active="").status_code == HTTPStatus.FOUND
    sync_task.assert_called_once_with(learner.pk)
    learner.refresh_from_db()
    assert not learner.is_active


def test_a_new_policy_version_enqueues_its_task(django_capture_on_commit_callbacks):
    """Publishing a material change starts version 2, whose task is enqueued on commit."""
    page = PolicyPageFactory()
    with mock.patch(POLICY) as delay, django_capture_on_commit_callbacks(execute=True):
        policy_republish(page, material=True, change_note="New crisis rules")
        delay.assert_not_called()
    version = PolicyVersion.objects.get(page=page, number=2)
    delay.assert_called_once_with(version.pk)


# --- The tasks -----------------------------------------------------------------------------


def test_tasks_call_the_services(framework, learner):
    """Each task takes ids (and an optional ISO time) and calls its service; unknown ids do
    nothing."""
    qualify(learner, framework)
    assert tasks.membership_sync_task(learner.pk) == {Tier.ADVOCATE: "invited"}
    assert tasks.membership_sync_task(10**9) == {}
    assert tasks.roster_sync_all() == {}
    version = PolicyVersion.objects.get(page=PolicyPageFactory())
    RosterMembership.objects.filter(user=learner).update(status=Status.ACTIVE)
    later = (timezone.now() + timedelta(minutes=5)).isoformat()
    assert tasks.policy_version_started_task(version.pk, later) == 1
    assert tasks.policy_version_started_task(10**9) == 0
    row = RosterMembership.objects.get(user=learner)
    assert row.status == Status.LAPSED
    assert row.lapsed_at.isoformat() == later


def test_the_nightly_recheck_is_on_the_beat_schedule():
    """Beat runs ``roster_sync_all`` once a night."""
    entries = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == tasks.roster_sync_all.name
    ]
    assert len(entries) == 1
    assert entries[0]["schedule"].hour == {2}


# --- End to end, with in-process tasks -----------------------------------------------------


def test_accepted_practice_makes_someone_eligible(framework, trainer, committed_all):
    """A trainer accepts practice that lifts the last core competency: once committed, the
    person is invited to the advocate tier and told."""
    cohort = running_cohort(trainers=[trainer])
    person = member(cohort, email="sam@spoke.example", first_name="Sam")
    standing_set(person, framework["listening"], Level.PRACTISING)
    standing_set(person, framework["publishing"], Level.PRACTISING)
    assignment = assignment_for(cohort, criteria=1)
    criterion = assignment.criteria.get()
    criterion.competency = framework["crisis"]
    criterion.level = Level.PRACTISING
    criterion.save()
    submission = attempt(assignment, cohort, person)
    with committed_all():
        review_decide(
            submission=submission, by=trainer, decision="accepted", criteria_met=[criterion]
        )
        assert not RosterMembership.objects.exists()
    row = RosterMembership.objects.get(user=person)
    assert (row.tier, row.status) == (Tier.ADVOCATE, Status.ELIGIBLE)
    subjects = [message.subject for message in mail.outbox if message.to == [person.email]]
    assert "You can join the roster as advocate" in subjects


def test_a_new_policy_version_and_its_acknowledgement(framework, committed_all):
    """Publishing a material change lapses the roster and asks for the new version; passing
    the check puts the member back as they were."""
    page = PolicyPageFactory()
    person = UserFactory(email="ola@spoke.example")
    qualify(person, framework)
    PolicyAcknowledgementFactory(user=person, version=PolicyVersion.objects.get(page=page))
    row = RosterMembershipFactory(user=person)
    with committed_all():
        policy_republish(page, material=True, change_note="New crisis rules")
    row.refresh_from_db()
    assert (row.status, row.reason) == (Status.LAPSED, "acknowledge the policy (version 2)")
    assert [message.subject for message in mail.outbox] == [
        "The social media policy changed: please acknowledge version 2"
    ]
    version = PolicyVersion.objects.get(page=page, number=2)
    answers = {key[1:]: value for key, value in policy_answers(page).items()}
    with committed_all():
        policy_acknowledge(user=person, version_id=version.pk, answers=answers, now=timezone.now())
    row.refresh_from_db()
    assert row.status == Status.ACTIVE
    assert mail.outbox[-1].subject == "You are back on the roster as advocate"


@pytest.fixture
def committed_all(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)
