"""Sign-in through a real OpenID Connect provider on loopback (Authlib), without a browser:
the test plays the browser's part with Django's test client and ``requests``."""

from http import HTTPStatus
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialApp
from django.contrib.auth import SESSION_KEY
from wagtail.models import ModelLogEntry

from people.models import User
from people.sso import services
from tests.factories import BusinessUnitFactory
from tests.people.sso.oidc_provider import OidcProvider

CALLBACK = "http://testserver/accounts/oidc/acme-oidc/login/callback/"
PEOPLE = {
    "olga@spoke.example": {
        "sub": "olga-1",
        "email": "Olga@Spoke.example",
        "email_verified": True,
        "given_name": "Olga",
        "family_name": "Oidc",
        "department": "Marketing",
    },
    "mallory@spoke.example": {"sub": "mallory-1", "email": "mallory@evil.example"},
    "nobody@spoke.example": {"sub": "nobody-1", "name": "No Address"},
}


@pytest.fixture
def idp():
    with OidcProvider(client_id="spoke", client_secret="s3cret", people=PEOPLE) as provider:
        provider.redirect_uris.append(CALLBACK)
        yield provider


@pytest.fixture
def oidc_app(db, idp):
    return SocialApp.objects.create(
        provider="openid_connect",
        provider_id="acme-oidc",
        name="Acme",
        client_id="spoke",
        secret="s3cret",
        settings={"server_url": idp.issuer, "domains": ["spoke.example"]},
    )


def sign_in(client, typed: str, at_idp: str):
    response = client.post("/accounts/sso/start/", {"email": typed})
    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(f"{response.url.split('/authorize')[0]}/authorize?")
    query = parse_qs(urlsplit(response.url).query)
    assert query["login_hint"] == [typed.strip().lower()]
    assert query["code_challenge_method"] == ["S256"]
    at_provider = requests.post(
        response.url, data={"email": at_idp}, allow_redirects=False, timeout=5
    )
    assert at_provider.status_code == HTTPStatus.FOUND, at_provider.text
    back = urlsplit(at_provider.headers["Location"])
    return client.get(f"{back.path}?{back.query}", follow=True)


def test_openid_connect_sign_in_creates_the_person(client, oidc_app, idp):
    """Code flow with PKCE and an ID token made out to Spoke: the person is created with
    the claims, their address lower-cased, in the unit of their department."""
    marketing = BusinessUnitFactory(name="Marketing")

    response = sign_in(client, " Olga@SPOKE.example ", "olga@spoke.example")

    assert response.redirect_chain[-1][0] == "/dashboard/"
    person = User.objects.get(email="olga@spoke.example")
    assert client.session[SESSION_KEY] == str(person.pk)
    assert (person.first_name, person.last_name, person.unit) == ("Olga", "Oidc", marketing)
    assert ModelLogEntry.objects.filter(
        object_id=str(person.pk), action=services.PERSON_CREATED
    ).exists()
    # The code was exchanged and the profile read over HTTP: nothing was faked.
    assert "POST /token" in idp.requests
    assert "GET /userinfo" in idp.requests


def test_openid_connect_address_outside_the_domains_is_refused(client, oidc_app, idp):
    """The provider vouches for an address of another domain: refused."""
    response = sign_in(client, "mallory@spoke.example", "mallory@spoke.example")

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert SESSION_KEY not in client.session
    assert not User.objects.filter(email="mallory@evil.example").exists()


def test_openid_connect_without_an_address_is_refused(client, oidc_app, idp):
    """No e-mail claim at all: refused with a message for IT."""
    response = sign_in(client, "nobody@spoke.example", "nobody@spoke.example")

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "did not tell Spoke your e-mail address" in response.content.decode()
    assert User.objects.count() == 0


def test_provider_down_shows_an_error_not_a_crash(client, db):
    """A provider that does not answer (nothing listens on its port): a clear message on
    the e-mail step, with the address kept, not a server error."""
    SocialApp.objects.create(
        provider="openid_connect",
        provider_id="acme-oidc",
        name="Acme",
        client_id="spoke",
        secret="s3cret",
        settings={"server_url": "http://127.0.0.1:9", "domains": ["spoke.example"]},
    )

    response = client.post("/accounts/sso/start/", {"email": "olga@spoke.example"})

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    page = response.content.decode()
    assert "sign-in service is not answering" in page
    assert 'value="olga@spoke.example"' in page
    assert SESSION_KEY not in client.session
