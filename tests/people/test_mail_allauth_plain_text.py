"""allauth's mails (verification, password reset, notices) keep names and addresses as typed."""

import re
from pathlib import Path
from types import SimpleNamespace

import allauth
import pytest
from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from allauth.core.context import request_context
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory

HOSTILE = 'Seán O\'Neil & <Sales> "Support"'
HOSTILE_EMAIL = "o'neil&sales@spoke.example"
ESCAPES = ("&amp;", "&#x27;", "&#39;", "&lt;", "&gt;", "&quot;")
PASSWORD = "a-fresh-long-passphrase"
ALLAUTH_TEMPLATES = Path(allauth.__file__).parent / "templates"
OUR_TEMPLATES = Path(settings.BASE_DIR) / "templates"


@pytest.fixture(autouse=True)
def _empty_cache():
    """allauth counts rate limits in the cache: start every test clean."""
    cache.clear()
    yield
    cache.clear()


def mail_prefixes() -> list[str]:
    """Every allauth mail (ours and the library's), as ``account/email/<name>``."""
    found = set()
    for root in (ALLAUTH_TEMPLATES, OUR_TEMPLATES):
        for folder in ("account/email", "mfa/email"):
            for path in (root / folder).glob("*_subject.txt"):
                found.add(f"{folder}/{path.name.removesuffix('_subject.txt')}")
    return sorted(found)


def assert_plain(text: str) -> None:
    for entity in ESCAPES:
        assert entity not in text, text


@pytest.mark.parametrize("prefix", mail_prefixes())
def test_every_allauth_mail_is_plain_text(prefix, rf, db):
    """Subject and text of each allauth mail carry ' & < " as typed, never as entities."""
    user = UserFactory.build(first_name=HOSTILE, last_name=HOSTILE, email=HOSTILE_EMAIL)
    context = {
        "user": user,
        "email": HOSTILE_EMAIL,
        "user_display": HOSTILE,
        "current_site": SimpleNamespace(name=HOSTILE, domain="spoke.example"),
        "code": "ABC123",
        "activate_url": "https://spoke.example/accounts/confirm-email/k/?a=1&b=2",
        "password_reset_url": "https://spoke.example/accounts/password/reset/key/k/?a=1&b=2",
        "signup_url": "https://spoke.example/accounts/signup/?a=1&b=2",
        "from_email": HOSTILE_EMAIL,
        "to_email": HOSTILE_EMAIL,
        "deleted_email": HOSTILE_EMAIL,
        "ip": "192.0.2.1",
        "user_agent": HOSTILE,
        "timestamp": timezone.now(),
    }
    request = rf.get("/")
    request.user = user
    with request_context(request):
        message = get_adapter().render_mail(prefix, HOSTILE_EMAIL, context)
    assert message.to == [HOSTILE_EMAIL]
    assert_plain(message.subject)
    assert_plain(message.body)
    assert message.subject.startswith("[Spoke] ")


def test_mail_list_covers_verification_and_reset():
    """The enumeration sees the mails people get most: confirm an address, reset a password."""
    prefixes = mail_prefixes()
    assert "account/email/email_confirmation" in prefixes
    assert "account/email/password_reset_key" in prefixes
    assert "mfa/email/totp_activated" in prefixes


def test_signup_confirmation_shows_the_address_as_typed(client, db):
    """Signing up with ' and & in the address: the confirmation mail names it unchanged."""
    response = client.post(
        reverse("account_signup"),
        {
            "first_name": HOSTILE,
            "last_name": "O'Neil",
            "email": HOSTILE_EMAIL,
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.url == reverse("account_email_verification_sent")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [HOSTILE_EMAIL]
    assert HOSTILE_EMAIL in message.body
    assert_plain(message.subject)
    assert_plain(message.body)


def test_password_reset_mail_is_plain_text(client, db):
    """A person called O'Neil & co with such an address gets a plain reset mail and link."""
    person = UserFactory(first_name=HOSTILE, email=HOSTILE_EMAIL)
    EmailAddress.objects.create(user=person, email=person.email, primary=True, verified=True)
    client.post(reverse("account_reset_password"), {"email": HOSTILE_EMAIL})
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [HOSTILE_EMAIL]
    assert_plain(message.subject)
    assert_plain(message.body)
    assert re.search(r"http://testserver/accounts/password/reset/key/\S+", message.body)


def test_reset_for_unknown_address_names_it_as_typed(client, db):
    """The 'no account for this address' mail repeats the address unchanged."""
    client.post(reverse("account_reset_password"), {"email": HOSTILE_EMAIL})
    assert len(mail.outbox) == 1
    assert HOSTILE_EMAIL in mail.outbox[0].body
    assert_plain(mail.outbox[0].body)
