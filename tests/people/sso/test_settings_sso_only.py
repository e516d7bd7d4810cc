"""``SPOKE_SSO_ONLY``: passwords let only superusers in (break-glass); sign-up and password
resets are off for everyone else. Two-factor for staff who come in by SSO."""

from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from people import roles
from people.models import User
from tests.factories import add_role
from tests.people.sso.conftest import GIVEN_NAME

LOGIN = "/accounts/login/"
NOT_ADMINS = ["learner", "manager", "trainer", "hr", "lead"]
STAFF = ["trainer", "hr", "lead", "site_admin"]


@pytest.fixture
def sso_only(settings):
    settings.SPOKE_SSO_ONLY = True


def _confirmed(user):
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    return user


@pytest.mark.parametrize("role", NOT_ADMINS)
def test_password_log_in_is_refused_for_everyone_but_superusers(
    client, request, sso_only, password, role
):
    """Learners, managers, trainers, HR and advocacy leads: a right password still does not
    let them in; the page says where to go, and keeps the address typed."""
    person = _confirmed(request.getfixturevalue(role))

    response = client.post(LOGIN, {"login": person.email, "password": password})

    assert SESSION_KEY not in client.session
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "sign-in service" in page
    assert f'value="{person.email}"' in page


def test_a_wrong_password_gets_the_usual_answer(client, sso_only, learner):
    """A wrong password is not told apart from any other: nothing about SSO leaks."""
    _confirmed(learner)

    response = client.post(LOGIN, {"login": learner.email, "password": "wrong-wrong-wrong"})

    assert "sign-in service. Go back" not in response.content.decode()
    assert SESSION_KEY not in client.session


def test_superuser_keeps_the_password_as_break_glass(client, sso_only, site_admin, password):
    """The site admin logs in with a password when the identity provider is down."""
    _confirmed(site_admin)

    response = client.post(LOGIN, {"login": site_admin.email, "password": password})

    assert response.status_code == HTTPStatus.FOUND
    assert client.session[SESSION_KEY] == str(site_admin.pk)


def test_without_the_switch_passwords_work_for_everyone(client, learner, password):
    """The switch off (the default): a learner logs in with a password as before."""
    _confirmed(learner)

    client.post(LOGIN, {"login": learner.email, "password": password})

    assert client.session[SESSION_KEY] == str(learner.pk)


def test_sign_up_is_closed(client, sso_only, db):
    """Nobody creates an account with a password; the page says so and creates nobody."""
    response = client.get("/accounts/signup/")
    assert "open by invitation" in response.content.decode()

    client.post(
        "/accounts/signup/",
        {
            "first_name": "Eve",
            "email": "eve@spoke.example",
            "password1": "a-long-and-new-passphrase",
            "password2": "a-long-and-new-passphrase",
        },
    )
    assert not EmailAddress.objects.filter(email="eve@spoke.example").exists()


@pytest.mark.parametrize("role", NOT_ADMINS)
def test_password_reset_sends_nothing_but_looks_the_same(client, request, sso_only, role):
    """A reset for anyone but a superuser sends no link; the page is the usual one."""
    person = _confirmed(request.getfixturevalue(role))

    response = client.post(reverse("account_reset_password"), {"email": person.email})

    assert response.status_code == HTTPStatus.FOUND
    assert response.url == reverse("account_reset_password_done")
    assert mail.outbox == []


def test_password_reset_still_reaches_superusers(client, sso_only, site_admin):
    """The break-glass password can be reset."""
    _confirmed(site_admin)

    client.post(reverse("account_reset_password"), {"email": site_admin.email})

    assert [message.to for message in mail.outbox] == [[site_admin.email]]


def test_the_pages_say_passwords_are_for_admins(client, sso_only, saml_app):
    """The log-in page's password link and the reset page tell people where to go."""
    assert "Site administrators: log in with a password" in client.get(LOGIN).content.decode()
    assert (
        "reset your password there"
        in client.get(reverse("account_reset_password")).content.decode()
    )


@pytest.mark.parametrize("role", NOT_ADMINS)
def test_single_sign_on_still_works_for_every_role(client, request, sso_only, saml_sign_in, role):
    """Everyone comes in through the identity provider."""
    person = request.getfixturevalue(role)

    saml_sign_in(person.email)

    assert client.session[SESSION_KEY] == str(person.pk)


# Two-factor for staff who sign in through SSO


@pytest.fixture
def staff_need_two_factor(settings):
    settings.SPOKE_REQUIRE_MFA_FOR_STAFF = True
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize("role", STAFF)
def test_staff_signed_in_by_sso_still_set_up_spokes_two_factor_by_default(
    client, request, staff_need_two_factor, saml_sign_in, role
):
    """By default Spoke's own authenticator is asked for, whatever the way in."""
    saml_sign_in(request.getfixturevalue(role).email)

    response = client.get("/dashboard/")

    assert response.status_code == HTTPStatus.FOUND
    assert response.url == reverse("mfa_activate_totp")


@pytest.mark.parametrize("role", STAFF)
def test_staff_signed_in_by_sso_may_rely_on_the_idp(
    client, request, settings, staff_need_two_factor, saml_sign_in, role
):
    """With SPOKE_SSO_TRUST_IDP_MFA the identity provider's two-factor is enough."""
    settings.SPOKE_SSO_TRUST_IDP_MFA = True
    saml_sign_in(request.getfixturevalue(role).email)

    assert client.get("/dashboard/").status_code == HTTPStatus.OK


def test_trusting_the_idp_does_not_excuse_a_password_log_in(
    client, settings, staff_need_two_factor, trainer, password
):
    """Staff who came in with a password still set up Spoke's authenticator."""
    settings.SPOKE_SSO_TRUST_IDP_MFA = True
    _confirmed(trainer)
    client.post(LOGIN, {"login": trainer.email, "password": password})

    response = client.get("/dashboard/")

    assert response.url == reverse("mfa_activate_totp")


def test_sso_staff_without_a_password_can_set_up_the_authenticator(
    client, staff_need_two_factor, saml_sign_in, db
):
    """A trainer created by SSO has no password to confirm: their fresh sign-in at the
    identity provider counts, and the set-up page opens (not a dead end)."""
    saml_sign_in("new.trainer@spoke.example", attributes={GIVEN_NAME: "Tess"})
    add_role(User.objects.get(email="new.trainer@spoke.example"), roles.TRAINER)

    response = client.get(reverse("mfa_activate_totp"))

    assert response.status_code == HTTPStatus.OK
    assert b'name="code"' in response.content
