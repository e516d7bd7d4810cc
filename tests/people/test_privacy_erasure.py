"""Erasing a person: personal data and files go, figures and history stay true under a
pseudonym, the erasure is logged without the erased data; refusals and the command."""

import json
import re
from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from advocacy.models import PlatformAccount, PolicyAcknowledgement, RosterMembership, Tier
from assessments.models import Review, Submission
from cms.models import HomePage, Platform, PolicyPage, PolicyVersion
from competencies.models import CompetencyEvidence, CompetencyStanding
from people.audit import PERSON_ERASED
from people.models import User
from people.privacy import ErasureRefused, person_erase
from tests.conftest import celery_sending_to
from tests.factories import SubmissionFactory, UserFactory, add_role
from tests.reports.company import give, small_company


@pytest.fixture
def world(db):
    """The reports' hand-counted company, with Ann's practice, handle and roster place.

    Active people: Hugo, Max (hub); Ann, Abe (Alpha); Ari (Alpha One); Bea (Beta); Cora
    (trainer, no unit); Hana (HR, no unit); Ada (site admin, no unit): 9. Crisis-ready
    (proficient and policy acknowledged): Ann and Ari."""
    company = small_company()
    people = company.people
    page = PolicyPage(title="Policy", slug="policy", summary="Be kind.", body=[])
    HomePage.objects.get().add_child(instance=page)
    version = PolicyVersion.objects.create(page=page, number=1, published_at=timezone.now())
    for name in ("ann", "ari"):
        give(people[name], company.crisis, 3, by=people["hugo"])
        PolicyAcknowledgement.objects.create(
            user=people[name], version=version, acknowledged_at=timezone.now()
        )
    ann = people["ann"]
    ann.first_name, ann.last_name, ann.email = "Ann", "Privacy", "ann.privacy@spoke.example"
    ann.save()
    EmailAddress.objects.create(user=ann, email=ann.email, verified=True, primary=True)
    Authenticator.objects.create(user=ann, type="totp", data={"secret": "x"})
    private = storages["private"]
    shot = private.save("screenshots/ann-shot.png", ContentFile(b"\x89PNG ann"))
    submission = SubmissionFactory(
        user=ann,
        status=Submission.Status.SUBMITTED,
        screenshot=shot,
        reflection="<p>Ann's own words about her team.</p>",
        link_url="https://www.linkedin.com/in/ann-privacy",
    )
    Review.objects.create(
        submission=submission,
        reviewer=people["hugo"],
        decision="accepted",
        feedback="Well done Ann",
    )
    platform = Platform.objects.first()
    PlatformAccount.objects.create(user=ann, platform=platform, handle="@ann_privacy")
    RosterMembership.objects.create(
        user=ann,
        tier=Tier.ADVOCATE,
        status="active",
        status_changed_at=timezone.now(),
        reason="Ann asked to join",
    )
    add_role(ann, "Trainer")
    company.hr = add_role(UserFactory(first_name="Hana"), "HR")
    company.shot = shot
    return company


def _figures(client):
    """What HR reads: readiness and adoption per unit, totals, the heat map's rows."""
    readiness = client.get(reverse("reports:readiness")).context
    adoption = client.get(reverse("reports:adoption"), {"end": "2026-12-31"}).context
    heat = client.get(reverse("reports:heatmap")).context
    return {
        "readiness": [(r.spec.label, r.people, r.ready) for r, *_ in readiness["rows"]],
        "readiness_total": (readiness["report"].total.people, readiness["report"].total.ready),
        "adoption": [(r.spec.label, r.people, r.adopted) for r, *_ in adoption["rows"]],
        "heatmap": re.sub(r"as_of=datetime\.datetime\(.*?\)\),", "", repr(heat["report"])),
        "evidence": CompetencyEvidence.objects.count(),
        "standings": sorted(CompetencyStanding.objects.values_list("user_id", "level")),
        "roster": RosterMembership.objects.filter(status="active").count(),
        "submissions": sorted(Submission.objects.values_list("status", "attempt")),
    }


def test_report_figures_are_identical_before_and_after_erasure(client, world, site_admin):
    """Erasing Ann and Ari changes no figure HR reads; the hand count holds both times."""
    client.force_login(world.hr)
    before = _figures(client)
    assert ("Alpha", 3, 2) in before["readiness"]
    assert before["readiness_total"] == (9, 2)

    for name in ("ann", "ari"):
        person_erase(person=world.people[name], by=site_admin, now=timezone.now())

    after = _figures(client)
    assert after == before
    assert after["readiness_total"] == (9, 2)


def test_personal_data_and_files_are_gone(client, world, site_admin, password):
    """Name, address, sign-in, reflection, link, screenshot file, handle, feedback, reasons,
    roles and sessions go; the row stays under a pseudonym."""
    ann = world.people["ann"]
    ann.set_password(password)
    ann.save()
    client.force_login(ann)
    assert storages["private"].exists(world.shot)

    result = person_erase(person=ann, by=site_admin, now=timezone.now())

    ann.refresh_from_db()
    assert ann.get_full_name() == result.pseudonym
    assert result.pseudonym.startswith("Erased person ")
    assert ann.email.endswith("@erased.invalid")
    assert "ann" not in ann.email
    assert not ann.has_usable_password()
    assert ann.erased_at is not None
    assert not EmailAddress.objects.filter(user=ann).exists()
    assert not Authenticator.objects.filter(user=ann).exists()
    assert not ann.groups.exists()
    assert not storages["private"].exists(world.shot)
    assert result.files_deleted == 1
    submission = Submission.objects.get(user=ann)
    assert (submission.reflection, submission.link_url, submission.screenshot.name) == ("", "", "")
    assert submission.status == Submission.Status.SUBMITTED  # the figures' part stays
    assert Review.objects.get(submission=submission).feedback == ""
    assert not PlatformAccount.objects.filter(user=ann).exists()
    assert RosterMembership.objects.get(user=ann).reason == ""
    # Her session is gone: she is signed out.
    assert client.get(reverse("people:profile")).status_code == HTTPStatus.FOUND
    assert not client.login(email="ann.privacy@spoke.example", password=password)


def test_the_erasure_is_logged_and_the_log_keeps_no_personal_data(world, site_admin):
    """One entry says who erased whom (by pseudonym and reference) and when; no entry
    about Ann, before or after, still holds her name or address."""
    ann = world.people["ann"]
    ann.unit = world.beta
    ann.save()  # an audited change of unit, before the erasure

    result = person_erase(person=ann, by=site_admin, now=timezone.now())

    [entry] = ModelLogEntry.objects.filter(action=PERSON_ERASED.name, object_id=str(ann.pk))
    assert entry.user == site_admin
    assert entry.data["pseudonym"] == result.pseudonym
    assert entry.data["reference"] == result.reference
    about_ann = ModelLogEntry.objects.filter(object_id=str(ann.pk), content_type__model="user")
    assert about_ann.count() >= 3  # her creation, the unit change, the erasure (and roles)
    text = json.dumps([[e.label, e.data] for e in about_ann])
    for personal in ("Ann", "Privacy", "ann.privacy"):
        assert personal not in text


def test_site_admins_and_the_erased_cannot_be_erased(world, site_admin):
    """A site admin (the last one included) is refused, and so is a second erasure."""
    with pytest.raises(ErasureRefused):
        person_erase(person=site_admin, by=site_admin, now=timezone.now())
    ann = world.people["ann"]
    person_erase(person=ann, by=site_admin, now=timezone.now())
    with pytest.raises(ErasureRefused):
        person_erase(person=ann, by=site_admin, now=timezone.now())
    assert ModelLogEntry.objects.filter(action=PERSON_ERASED.name).count() == 1


@pytest.mark.parametrize("role", ["learner", "manager", "trainer", "hr", "lead"])
def test_only_a_site_admin_may_erase(request, world, role):
    """Every other role is refused."""
    with pytest.raises(PermissionDenied):
        person_erase(
            person=world.people["abe"], by=request.getfixturevalue(role), now=timezone.now()
        )
    assert User.objects.get(pk=world.people["abe"].pk).erased_at is None


def test_the_command_erases_with_a_worker_down(world, capsys):
    """``person_erase EMAIL --yes`` does everything in its own process: with the broker
    unreachable, the screenshot is still deleted and the person erased."""
    with celery_sending_to("redis://127.0.0.1:9/0"):
        call_command("person_erase", "ann.privacy@spoke.example", "--yes")
    out = capsys.readouterr().out
    assert "Erased: now Erased person" in out
    assert not storages["private"].exists(world.shot)
    assert User.objects.get(pk=world.people["ann"].pk).erased_at is not None


def test_the_command_asks_for_the_address_again(world, monkeypatch):
    """Without ``--yes`` it asks; a wrong answer erases nothing."""
    monkeypatch.setattr("builtins.input", lambda prompt: "someone@else.example")
    with pytest.raises(CommandError, match="Not confirmed"):
        call_command("person_erase", "ann.privacy@spoke.example")
    assert User.objects.get(pk=world.people["ann"].pk).erased_at is None
    monkeypatch.setattr("builtins.input", lambda prompt: "ANN.privacy@spoke.example")
    call_command("person_erase", "ann.privacy@spoke.example")
    assert User.objects.get(pk=world.people["ann"].pk).erased_at is not None


def test_the_command_refuses_site_admins_unknown_addresses_and_twice(world, site_admin):
    """Clear refusals, nothing written."""
    with pytest.raises(CommandError, match="Site admins"):
        call_command("person_erase", site_admin.email, "--yes")
    with pytest.raises(CommandError, match="Nobody"):
        call_command("person_erase", "nobody@spoke.example", "--yes")
    call_command("person_erase", "ann.privacy@spoke.example", "--yes")
    erased = User.objects.get(pk=world.people["ann"].pk)
    with pytest.raises(CommandError, match="erased already"):
        call_command("person_erase", erased.email, "--yes")
    assert Group.objects.get(name="Trainer").user_set.filter(pk=erased.pk).count() == 0


def test_the_admin_confirms_then_erases(client, world, site_admin):
    """The user listing offers "Erase"; its page says what goes and what stays; the POST
    erases and says the pseudonym."""
    ann = world.people["ann"]
    client.force_login(site_admin)
    listing = client.get(reverse("wagtailusers_users:index")).content.decode()
    url = reverse("people_admin_erase", args=[ann.pk])
    assert url in listing
    page = client.get(url)
    assert page.status_code == HTTPStatus.OK
    assert "What stays, under a pseudonym" in page.content.decode()
    assert User.objects.get(pk=ann.pk).erased_at is None  # a GET writes nothing

    response = client.post(url, follow=True)

    assert "Erased: the person is now" in response.content.decode()
    assert User.objects.get(pk=ann.pk).erased_at is not None


def test_the_admin_page_refuses_site_admins_and_the_erased(client, world, site_admin):
    """For a site admin the page says why and its POST changes nothing."""
    other_admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(site_admin)
    url = reverse("people_admin_erase", args=[other_admin.pk])
    assert "Site admins cannot be erased" in client.get(url).content.decode()
    client.post(url)
    assert User.objects.get(pk=other_admin.pk).erased_at is None


@pytest.mark.parametrize("role", ["learner", "manager", "trainer", "hr", "lead"])
def test_the_admin_page_is_for_site_admins_only(client, request, world, role):
    """Every other role: refused (403, or sent away from the admin), nothing erased."""
    client.force_login(request.getfixturevalue(role))
    url = reverse("people_admin_erase", args=[world.people["abe"].pk])
    assert client.get(url).status_code in (HTTPStatus.FORBIDDEN, HTTPStatus.FOUND)
    assert client.post(url).status_code in (HTTPStatus.FORBIDDEN, HTTPStatus.FOUND)
    assert User.objects.get(pk=world.people["abe"].pk).erased_at is None
