"""Identity providers for the single sign-on tests: a SAML IdP with a test key pair."""

from http import HTTPStatus

import pytest
from allauth.socialaccount.models import SocialApp
from django.test import Client

from tests.people.sso import saml_idp

ACS_PATH = "/accounts/saml/acme/acs/"
ACS_URL = f"http://testserver{ACS_PATH}"
DEPARTMENT = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/department"
GIVEN_NAME = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname"
SURNAME = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname"


@pytest.fixture
def client():
    """A test client that sends a Host header, as every browser does (SAML reads it)."""
    return Client(HTTP_HOST="testserver")


@pytest.fixture(scope="session")
def idp_keys():
    return saml_idp.make_key_pair()


@pytest.fixture(scope="session")
def other_keys():
    return saml_idp.make_key_pair("Someone else")


@pytest.fixture
def saml_app(db, idp_keys):
    """Acme's SAML IdP, signing in spoke.example (sign-up allowed) and partner.example
    (a domain outside the sign-up rule)."""
    return SocialApp.objects.create(
        provider="saml",
        provider_id="acme",
        name="Acme sign-in",
        client_id="acme",
        settings=saml_idp.app_settings(idp_keys, domains=["spoke.example", "partner.example"]),
    )


def start(client, email: str) -> str:
    """The e-mail step; returns the AuthnRequest ID of the redirect to the IdP."""
    response = client.post("/accounts/sso/start/", {"email": email})
    assert response.status_code == HTTPStatus.FOUND, response.content[:500]
    assert response.url.startswith(saml_idp.IDP_SSO_URL)
    return saml_idp.request_id(response.url)


def post_response(client, saml_response: str):
    """POST to allauth's ACS as the browser would, and follow to the end."""
    return client.post(ACS_PATH, {"SAMLResponse": saml_response}, follow=True)


@pytest.fixture
def saml_sign_in(client, saml_app, idp_keys):
    """Sign in through the SAML IdP, from the log-in page's e-mail step to the end."""

    def sign_in(email: str, *, typed: str | None = None, attributes=None, **options):
        request_id = start(client, typed or email)
        saml_response = saml_idp.response(
            keys=options.pop("keys", idp_keys),
            acs_url=ACS_URL,
            email=email,
            in_response_to=request_id,
            attributes=attributes,
            **options,
        )
        return post_response(client, saml_response)

    return sign_in
