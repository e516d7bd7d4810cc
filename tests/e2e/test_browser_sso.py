"""In a browser: sign in through a real OpenID Connect provider on loopback.

The provider is Authlib's authorization server in a thread (tests/people/sso/
oidc_provider.py). The browser types the work address on Spoke's log-in page, is sent to
the provider, signs in there, comes back, and Spoke exchanges the code with the provider
over HTTP: nothing on the way is mocked.
"""

import re
from urllib.parse import urlsplit

import pytest
from allauth.socialaccount.models import SocialApp
from playwright.sync_api import expect

from people.models import User
from tests.factories import BusinessUnitFactory
from tests.people.sso.oidc_provider import OidcProvider

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PEOPLE = {
    "iris@spoke.example": {
        "sub": "iris-42",
        "email": "iris@spoke.example",
        "email_verified": True,
        "given_name": "Iris",
        "family_name": "Idp",
        "department": "Support",
    }
}


@pytest.fixture
def idp(live_server):
    with OidcProvider(client_id="spoke", client_secret="s3cret", people=PEOPLE) as provider:
        provider.redirect_uris.append(f"{live_server.url}/accounts/oidc/acme-oidc/login/callback/")
        SocialApp.objects.create(
            provider="openid_connect",
            provider_id="acme-oidc",
            name="Acme sign-in",
            client_id="spoke",
            secret="s3cret",
            settings={"server_url": provider.issuer, "domains": ["spoke.example"]},
        )
        yield provider


def test_person_signs_in_through_the_company_provider(page, idp, screenshot):
    """E-mail first, the provider's page, back on the dashboard: created just in time."""
    support = BusinessUnitFactory(name="Support")

    page.goto("/accounts/login/")
    expect(page.locator("input[name=password]")).to_have_count(0)
    screenshot(page, "sso-email-step")
    page.get_by_label("Work e-mail address").fill("  Iris@Spoke.Example ")
    page.get_by_role("button", name="Continue").click()

    page.wait_for_url(lambda url: url.startswith(idp.issuer))
    expect(page.get_by_label("E-mail")).to_have_value("iris@spoke.example")  # login_hint
    page.get_by_role("button", name="Sign in at the IdP").click()

    page.wait_for_url(lambda url: urlsplit(url).path == "/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Hello, Iris\b"))
    screenshot(page, "sso-dashboard")
    person = User.objects.get(email="iris@spoke.example")
    assert (person.last_name, person.unit_id) == ("Idp", support.pk)
    assert not person.has_usable_password()
    assert "POST /token" in idp.requests


def test_other_domains_go_on_to_the_password(page, idp):
    """An address no provider looks after: the password step, the address filled in."""
    page.goto("/accounts/login/")
    page.get_by_label("Work e-mail address").fill("guest@elsewhere.example")
    page.get_by_role("button", name="Continue").click()

    expect(page.locator("input[name=password]")).to_be_visible()
    expect(page.locator("input[name=login]")).to_have_value("guest@elsewhere.example")
    assert idp.requests == []
