"""Demo credentials: earned, hidden and revoked ones for the demo accounts, seeded once,
quietly, and verifiable like any other."""

import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from credentials.models import CompetencyCredentialLevel, Credential, SigningKey
from demo.seeds.credentials import demo_credentials_seed

pytestmark = pytest.mark.django_db


def test_demo_has_earned_hidden_and_revoked_credentials(client):
    """After seed_demo: the learner holds a visible and a hidden course credential, the
    roster's leavers hold revoked ones, and a second run writes nothing."""
    call_command("seed_demo", stdout=io.StringIO())
    assert SigningKey.objects.count() == 1
    assert CompetencyCredentialLevel.objects.exists()
    learner = Credential.objects.filter(user__email="learner@spoke.example", kind="course")
    assert sorted(learner.values_list("hidden", flat=True)) == [False, True]
    assert Credential.objects.filter(kind="competency", revoked_at__isnull=True).exists()
    assert Credential.objects.filter(kind="roster", revoked_at__isnull=True).exists()
    revoked = Credential.objects.filter(kind="roster", revoked_at__isnull=False)
    assert revoked.exists()
    assert all(c.revoked_at >= c.issued_at for c in revoked)
    assert mail.outbox == []

    visible = learner.get(hidden=False)
    assert client.get(reverse("credentials:certificate", args=[visible.token])).status_code == 200
    hidden = learner.get(hidden=True)
    assert client.get(reverse("credentials:certificate", args=[hidden.token])).status_code == 404

    rows = list(Credential.objects.order_by("pk").values())
    assert demo_credentials_seed() == {
        "signing keys": 0,
        "credited levels": 0,
        "credentials": 0,
        "revoked": 0,
    }
    assert list(Credential.objects.order_by("pk").values()) == rows
