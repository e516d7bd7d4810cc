"""The audit trail beyond people's own records: review decisions, a lead's roster
decisions and downloads of lists of people, each in Wagtail's action log with who and what."""

from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from advocacy import services as roster
from advocacy.models import RosterMembership, Tier
from assessments.models import Submission
from assessments.services import review_decide
from tests.factories import (
    RosterMembershipFactory,
    SubmissionFactory,
    UserFactory,
    qualify,
    roster_framework,
)

Status = RosterMembership.Status


def _entry(action):
    [entry] = ModelLogEntry.objects.filter(action=action)
    return entry


@pytest.mark.parametrize(
    ("decision", "action"),
    [("accepted", "spoke.review.accepted"), ("needs_revision", "spoke.review.revision")],
)
def test_review_decisions_are_logged(trainer, decision, action):
    """Accept and revise: the trainer, the attempt, no feedback text in the entry."""
    submission = SubmissionFactory(status=Submission.Status.SUBMITTED)
    submission.cohort.trainers.add(trainer)
    criteria = list(submission.assignment.criteria.all()) if decision == "accepted" else []
    review_decide(
        submission=submission, by=trainer, decision=decision, criteria_met=criteria,
        feedback="Private words for the learner",
    )  # fmt: skip
    entry = _entry(action)
    assert (entry.user, entry.object_id, entry.data["attempt"]) == (
        trainer,
        str(submission.pk),
        1,
    )
    assert "Private words" not in str(entry.data) + entry.label


def test_roster_approvals_rejections_and_removals_are_logged(lead):
    """Each decision of a lead leaves an entry with the tier and the statuses."""
    framework = roster_framework()
    now = timezone.now()
    asking, turned_down = UserFactory(), UserFactory()
    for person in (asking, turned_down):
        qualify(person, framework, Tier.AMBASSADOR)
    approved = RosterMembershipFactory(user=asking, tier=Tier.AMBASSADOR, status=Status.PENDING)
    rejected = RosterMembershipFactory(
        user=turned_down, tier=Tier.AMBASSADOR, status=Status.PENDING
    )
    roster.membership_approve(membership=approved, by=lead, now=now)
    roster.membership_reject(membership=rejected, by=lead, reason="Not now, Tom", now=now)
    roster.membership_remove(membership=approved, by=lead, reason="Posted badly", now=now)

    assert _entry("spoke.roster.approved").data == {
        "tier": "ambassador", "from": "pending", "to": "active",
    }  # fmt: skip
    assert _entry("spoke.roster.rejected").user == lead
    removed = _entry("spoke.roster.removed")
    assert removed.data["from"] == "active"
    assert removed.object_id == str(approved.pk)
    assert "Posted badly" not in str(removed.data)


def test_report_and_roster_downloads_are_logged(client, hr, lead):
    """HR downloading a report and a lead downloading the roster each leave an entry."""
    client.force_login(hr)
    response = client.get(reverse("reports:readiness"), {"format": "csv"})
    assert response.status_code == HTTPStatus.OK
    entry = _entry("spoke.export.people")
    assert (entry.user, entry.data["what"], entry.data["format"]) == (hr, "report:readiness", "csv")

    client.force_login(lead)
    assert client.get(reverse("advocacy:roster"), {"format": "xlsx"}).status_code == 200
    entries = ModelLogEntry.objects.filter(action="spoke.export.people", user=lead)
    assert [(e.data["what"], e.data["format"]) for e in entries] == [("roster", "xlsx")]


def test_the_people_download_and_a_background_export_are_logged(client, hr):
    """The heat map's people, downloaded at once or prepared in the background."""
    UserFactory()
    client.force_login(hr)
    assert client.get(reverse("reports:heatmap_people"), {"format": "csv"}).status_code == 200
    client.post(reverse("reports:export_create"), {"format": "xlsx"})
    whats = sorted(
        e.data["what"] for e in ModelLogEntry.objects.filter(action="spoke.export.people")
    )
    assert whats == ["report:people", "report:people:background"]


def test_the_site_history_report_shows_them(client, site_admin, hr):
    """The admin's Site history lists the download with its message."""
    client.force_login(hr)
    client.get(reverse("reports:readiness"), {"format": "csv"})
    client.force_login(site_admin)
    content = client.get(reverse("wagtailadmin_reports:site_history")).content.decode()
    assert "Exported report:readiness as CSV" in content
