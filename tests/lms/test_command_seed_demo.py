"""manage.py seed_demo: a believable company, demo accounts, and no surprises."""

import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from cms.models import HomePage, Platform, SiteSettings, StandardPage
from people.models import BusinessUnit, User
from people.roles import user_is_advocacy_lead, user_is_hr, user_is_site_admin, user_is_trainer

DEMO_EMAILS = [f"{name}@spoke.example" for name in
               ("learner", "manager", "trainer", "hr", "lead", "admin")]  # fmt: skip


def _seed():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _snapshot():
    return {
        "users": list(User.objects.order_by("pk").values()),
        "units": list(BusinessUnit.objects.order_by("pk").values()),
        "pages": list(StandardPage.objects.order_by("pk").values("pk", "title", "live")),
        "revisions": HomePage.objects.get().revisions.count(),
        "platforms": list(Platform.objects.order_by("pk").values()),
    }


@pytest.mark.django_db
def test_seeds_a_company_with_hub_and_spokes():
    """A hub, at least five spokes and about sixty people with managers."""
    _seed()
    assert BusinessUnit.objects.filter(kind=BusinessUnit.Kind.HUB).count() == 1
    assert BusinessUnit.objects.filter(kind=BusinessUnit.Kind.SPOKE).count() >= 5
    assert 55 <= User.objects.count() <= 70
    assert User.objects.filter(role=User.Role.MANAGER).count() >= 5
    assert User.objects.filter(manager__isnull=False).count() >= 50
    assert not User.objects.filter(unit__isnull=True).exists()
    assert Platform.objects.count() == 9
    assert SiteSettings.objects.get().company_name == "Kestrel Rail"


@pytest.mark.django_db
def test_demo_accounts_log_in_with_the_documented_password():
    """Each demo account works with 'spoke-demo' and holds its role."""
    output = _seed()
    for email in DEMO_EMAILS:
        assert authenticate(username=email, password="spoke-demo") is not None, email
        assert email in output
    assert "spoke-demo" in output
    get = User.objects.get
    assert user_is_trainer(get(email="trainer@spoke.example"))
    assert user_is_hr(get(email="hr@spoke.example"))
    assert user_is_advocacy_lead(get(email="lead@spoke.example"))
    assert user_is_site_admin(get(email="admin@spoke.example"))
    assert get(email="manager@spoke.example").role == User.Role.MANAGER
    assert get(email="learner@spoke.example").manager.email == "manager@spoke.example"
    assert not user_is_trainer(get(email="learner@spoke.example"))


@pytest.mark.django_db
def test_other_people_cannot_log_in_until_they_set_a_password():
    """Generated staff have no usable password: they would use 'forgot password'."""
    _seed()
    others = User.objects.exclude(email__in=DEMO_EMAILS)
    assert others.exists()
    assert not any(person.has_usable_password() for person in others)


@pytest.mark.django_db
def test_running_twice_changes_nothing():
    """The second run writes nothing: same rows, same values, no new page revisions."""
    _seed()
    before = _snapshot()
    output = _seed()
    assert _snapshot() == before
    assert "0 units, 0 people written" in output
    assert "0 pages, 0 platforms, 0 settings written" in output


@pytest.mark.django_db
def test_refused_in_production(settings):
    """Settings that do not allow demo content (production) make the command fail."""
    settings.SPOKE_DEMO_ALLOWED = False
    with pytest.raises(CommandError, match="Demo content is refused"):
        _seed()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_demo_pages_are_published(client):
    """The home page and the standard pages are live and render."""
    _seed()
    assert "Learn to speak for Kestrel Rail online" in client.get("/").content.decode()
    assert client.get("/about/").status_code == 200
    assert client.get("/help/").status_code == 200
