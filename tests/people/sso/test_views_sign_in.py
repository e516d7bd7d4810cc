"""The log-in page with single sign-on: the e-mail step, routing, and hostile input."""

from http import HTTPStatus

import pytest
from allauth.socialaccount.models import SocialApp
from django.contrib.auth import SESSION_KEY
from wagtail.models import ModelLogEntry

from people.models import User
from people.sso import services
from tests.factories import UserFactory
from tests.people.sso import saml_idp
from tests.people.sso.conftest import ACS_URL, post_response, start

LOGIN = "/accounts/login/"
START = "/accounts/sso/start/"


def test_without_providers_the_log_in_page_asks_for_the_password_at_once(client, db):
    """No identity provider configured: the page is the plain e-mail and password form."""
    response = client.get(LOGIN)

    assert response.status_code == HTTPStatus.OK
    assert b'name="password"' in response.content
    assert START.encode() not in response.content


def test_with_a_provider_the_page_asks_for_the_address_first(client, saml_app):
    """With a provider: the first step has only the address, and a way to a password."""
    response = client.get(LOGIN)

    assert response.status_code == HTTPStatus.OK
    assert START.encode() in response.content
    assert b'name="password"' not in response.content
    assert b"?password=1" in response.content
    assert b'name="password"' in client.get(f"{LOGIN}?password=1").content


@pytest.mark.parametrize(
    "typed", ["ana@spoke.example", "  Ana@SPOKE.Example  ", "ANA@PARTNER.EXAMPLE"]
)
def test_an_address_of_a_provider_domain_goes_to_its_provider(client, saml_app, typed):
    """Any case, surrounding spaces: the address of a mapped domain goes to the IdP."""
    response = client.post(START, {"email": typed})

    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(saml_idp.IDP_SSO_URL + "?SAMLRequest=")


def test_an_address_of_another_domain_goes_on_to_the_password(client, saml_app):
    """A domain no provider looks after: the password step, with the address filled in."""
    response = client.post(START, {"email": " Ola@Elsewhere.Example "})

    assert response.status_code == HTTPStatus.FOUND
    assert response.url == LOGIN
    page = client.get(LOGIN).content.decode()
    assert 'name="password"' in page
    assert 'value="ola@elsewhere.example"' in page
    # The address is remembered for that one page, not for ever.
    assert START in client.get(LOGIN).content.decode()


def test_the_next_page_survives_the_password_step(client, saml_app):
    """``next`` is carried to the password step; one on another site is dropped."""
    response = client.post(START, {"email": "ola@elsewhere.example", "next": "/reports/"})
    assert response.url == f"{LOGIN}?next=%2Freports%2F"

    response = client.post(
        START, {"email": "ola@elsewhere.example", "next": "https://evil.example/"}
    )
    assert response.url == LOGIN


@pytest.mark.parametrize(
    "typed", ["", "not-an-address", "ana@", "a" * 250 + "@spoke.example", "ana@spoke.example\x00"]
)
def test_a_bad_address_shows_the_step_again_as_typed(client, saml_app, typed):
    """A bad address: the step again with a message, what was typed kept, nobody sent on."""
    response = client.post(START, {"email": typed})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    page = response.content.decode()
    assert 'class="errorlist"' in page
    if typed and "\x00" not in typed:
        assert f'value="{typed}"' in page


def test_the_e_mail_step_takes_no_get(client, saml_app):
    """A GET never starts a sign-in."""
    assert client.get(START).status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_provider_vouching_for_an_address_outside_its_domains_is_refused(
    client, saml_app, idp_keys
):
    """An assertion for an address of a domain the provider does not look after (a
    misconfigured or hostile IdP): refused, nobody created or signed in."""
    request_id = start(client, "ana@spoke.example")
    response = post_response(
        client,
        saml_idp.response(
            keys=idp_keys, acs_url=ACS_URL, email="ceo@evil.example", in_response_to=request_id
        ),
    )

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "could not sign you in" in response.content.decode()
    assert SESSION_KEY not in client.session
    assert not User.objects.filter(email="ceo@evil.example").exists()


def test_provider_cannot_take_over_an_account_of_another_domain(client, saml_app, idp_keys):
    """A person of a domain the provider does not look after is not signed in by it."""
    outsider = UserFactory(email="ceo@evil.example")
    request_id = start(client, "ana@spoke.example")
    post_response(
        client,
        saml_idp.response(
            keys=idp_keys, acs_url=ACS_URL, email=outsider.email, in_response_to=request_id
        ),
    )

    assert SESSION_KEY not in client.session


def test_known_person_refused_later_is_logged(client, saml_sign_in, saml_app, learner):
    """Once linked, a person whose provider later vouches for a foreign address is refused,
    and the refusal is in their history."""
    saml_sign_in(learner.email)
    client.logout()
    # The provider now sends the same subject with another address.
    saml_app.settings["attribute_mapping"] = {
        "uid": ["uid"],
        "email": ["http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"],
    }
    saml_app.save()
    saml_sign_in(learner.email, attributes={"uid": "lena-1"})
    client.logout()
    saml_sign_in("lena@evil.example", typed=learner.email, attributes={"uid": "lena-1"})

    assert SESSION_KEY not in client.session
    entries = ModelLogEntry.objects.filter(
        object_id=str(learner.pk), action=services.SIGN_IN_REFUSED
    )
    assert [entry.data["reason"] for entry in entries] == ["foreign_domain"]


def test_mapped_domain_outside_the_sign_up_rule_admits_only_people_already_there(
    client, saml_sign_in
):
    """partner.example is the provider's but not a sign-up domain: a newcomer is not
    created (invitation only), a person HR already added is signed in."""
    response = saml_sign_in("new@partner.example")
    assert not User.objects.filter(email="new@partner.example").exists()
    assert "invitation" in response.content.decode()
    assert SESSION_KEY not in client.session

    invited = UserFactory(email="invited@partner.example")
    saml_sign_in("Invited@Partner.example")
    assert client.session[SESSION_KEY] == str(invited.pk)


def test_the_log_in_page_lets_its_form_go_to_the_providers_only(client, saml_app):
    """The e-mail step's redirect to the IdP is allowed by form-action on the log-in page;
    other pages keep forms on Spoke."""
    login_policy = client.get(LOGIN)["Content-Security-Policy"]
    form_action = next(p for p in login_policy.split(";") if "form-action" in p)
    assert "'self'" in form_action
    assert "https://idp.acme.example" in form_action

    other = client.get("/accounts/password/reset/")["Content-Security-Policy"]
    assert "idp.acme.example" not in other


def test_the_log_in_page_reads_a_fixed_number_of_queries(
    client, saml_app, idp_keys, django_assert_max_num_queries
):
    """Many providers and domains: a fixed number of queries."""
    for number in range(10):
        SocialApp.objects.create(
            provider="saml",
            provider_id=f"org{number}",
            name=f"Org {number}",
            client_id=f"org{number}",
            settings=saml_idp.app_settings(idp_keys, domains=[f"org{number}.example"]),
        )
    client.get(LOGIN)  # the site's settings row and the caches, made on the first view
    with django_assert_max_num_queries(8):  # the apps twice: the form and its CSP
        assert client.get(LOGIN).status_code == HTTPStatus.OK
    with django_assert_max_num_queries(11):  # the stamp, the apps, the provider's, the session
        assert client.post(START, {"email": "ana@org7.example"}).status_code == HTTPStatus.FOUND


def test_a_signed_in_person_cannot_link_someone_elses_identity(client, saml_app, idp_keys, learner):
    """Linking (allauth's "connect") an IdP identity of another address to one's own
    account is refused: it would let that other person in as them."""
    from allauth.socialaccount.models import SocialAccount

    client.force_login(learner)
    response = client.post("/accounts/saml/acme/login/", {"process": "connect"})
    request_id = saml_idp.request_id(response.url)
    response = post_response(
        client,
        saml_idp.response(
            keys=idp_keys,
            acs_url=ACS_URL,
            email="someone.else@spoke.example",
            in_response_to=request_id,
        ),
    )

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not SocialAccount.objects.filter(user=learner).exists()


def test_a_signed_in_person_may_link_their_own_identity(client, saml_app, idp_keys, learner):
    """Their own address: linked, and later sign-ins find them through it."""
    from allauth.socialaccount.models import SocialAccount

    client.force_login(learner)
    response = client.post("/accounts/saml/acme/login/", {"process": "connect"})
    request_id = saml_idp.request_id(response.url)
    post_response(
        client,
        saml_idp.response(
            keys=idp_keys, acs_url=ACS_URL, email=learner.email, in_response_to=request_id
        ),
    )

    assert SocialAccount.objects.filter(user=learner, provider="acme").exists()


def test_sign_up_link_is_hidden_when_passwords_are_for_admins_only(client, settings, db):
    """With SPOKE_SSO_ONLY the header offers no sign-up."""
    assert b"/accounts/signup/" in client.get(LOGIN).content
    settings.SPOKE_SSO_ONLY = True
    assert b"/accounts/signup/" not in client.get(LOGIN).content
