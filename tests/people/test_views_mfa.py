"""Two-factor authentication through allauth's pages: an authenticator app (TOTP) and
recovery codes."""

import time
from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.core import mail
from django.core.cache import cache
from django.urls import reverse


@pytest.fixture(autouse=True)
def _empty_cache():
    """allauth keeps used codes and rate limits in the cache: start every test clean."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def person(learner):
    EmailAddress.objects.create(user=learner, email=learner.email, primary=True, verified=True)
    return learner


def current_code(secret: str) -> str:
    """The code an authenticator app shows now, computed as allauth checks it.

    Waits out the last second of a period so the code cannot expire on its way.
    """
    period = mfa_settings.TOTP_PERIOD
    if period - time.time() % period < 1:
        time.sleep(1.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))


def wrong_code(secret: str) -> str:
    right = int(current_code(secret))
    return format_hotp_value((right + 1) % 10**mfa_settings.TOTP_DIGITS)


def log_in(client, email: str, password: str):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def open_totp_activation(client, person, password):
    """Log in and reach the activation page, confirming the password once more on the way."""
    log_in(client, person.email, password)
    activate_url = reverse("mfa_activate_totp")
    response = client.get(activate_url)
    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("account_reauthenticate"))
    response = client.post(
        reverse("account_reauthenticate"), {"password": password, "next": activate_url}
    )
    assert response.url == activate_url
    response = client.get(activate_url)
    assert response.status_code == HTTPStatus.OK
    return response


def activate_totp(client, person, password) -> tuple[str, list[str]]:
    """Log in, turn on the authenticator app and return its secret and recovery codes."""
    open_totp_activation(client, person, password)
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    assert response.url == reverse("mfa_view_recovery_codes")
    codes = list(client.get(response.url).context["unused_codes"])
    client.post(reverse("account_logout"))
    return secret, codes


def test_activation_asks_for_the_password_again(client, person, password):
    """Turning the app on first asks for the password; a wrong one goes no further."""
    log_in(client, person.email, password)
    response = client.get(reverse("mfa_activate_totp"))
    assert response.url.startswith(reverse("account_reauthenticate"))

    response = client.post(
        reverse("account_reauthenticate"),
        {"password": "not-the-password", "next": reverse("mfa_activate_totp")},
    )

    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["password"]
    assert client.get(reverse("mfa_activate_totp")).status_code == HTTPStatus.FOUND


def test_activating_totp_refuses_a_wrong_code(client, person, password):
    """Turning the app on needs the code it shows; a wrong one is refused."""
    page = open_totp_activation(client, person, password).content.decode()
    secret = client.session[SECRET_SESSION_KEY]
    assert secret in page

    response = client.post(reverse("mfa_activate_totp"), {"code": wrong_code(secret)})

    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["code"]
    assert not Authenticator.objects.filter(user=person).exists()


def test_activating_totp_generates_recovery_codes(client, person, password):
    """The right code turns the app on and makes a set of recovery codes."""
    _, codes = activate_totp(client, person, password)

    types = set(Authenticator.objects.filter(user=person).values_list("type", flat=True))
    assert types == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}
    assert len(codes) == mfa_settings.RECOVERY_CODE_COUNT
    assert len(set(codes)) == len(codes)


def test_login_with_totp_asks_for_the_code(client, person, password):
    """After activation the password alone does not log in; a wrong code is refused and
    the right one leads to the dashboard."""
    secret, _ = activate_totp(client, person, password)

    response = log_in(client, person.email, password)
    assert response.url == reverse("mfa_authenticate")
    assert not is_logged_in(client)

    response = client.post(reverse("mfa_authenticate"), {"code": wrong_code(secret)})
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["code"]
    assert not is_logged_in(client)

    response = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert response.url == reverse("dashboard")
    assert int(client.session["_auth_user_id"]) == person.pk


def test_dashboard_stays_closed_while_the_code_is_pending(client, person, password):
    """Between password and code, the person is not yet logged in anywhere."""
    activate_totp(client, person, password)
    log_in(client, person.email, password)

    response = client.get(reverse("dashboard"))

    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("account_login"))


def test_recovery_code_logs_in_once(client, person, password):
    """A recovery code replaces the app's code exactly once."""
    _, codes = activate_totp(client, person, password)

    log_in(client, person.email, password)
    response = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert response.url == reverse("dashboard")
    client.post(reverse("account_logout"))

    log_in(client, person.email, password)
    response = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["code"]
    assert not is_logged_in(client)

    response = client.post(reverse("mfa_authenticate"), {"code": codes[1]})
    assert response.url == reverse("dashboard")


def test_totp_needs_a_confirmed_address(client, learner, password, settings):
    """With an unconfirmed address (optional verification) the app cannot be turned on."""
    settings.ACCOUNT_EMAIL_VERIFICATION = "optional"
    EmailAddress.objects.create(user=learner, email=learner.email, primary=True, verified=False)
    log_in(client, learner.email, password)

    response = client.get(reverse("mfa_activate_totp"), follow=True)

    assert response.redirect_chain[-1][0] == reverse("mfa_index")
    assert any("verified" in str(m) for m in response.context["messages"])


def test_email_change_is_blocked_while_totp_is_on(client, person, password):
    """allauth refuses a new address on an account protected by an authenticator app."""
    secret, _ = activate_totp(client, person, password)
    log_in(client, person.email, password)
    client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})

    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "lena.new@spoke.example"}
    )

    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["email"]
    assert not EmailAddress.objects.filter(email="lena.new@spoke.example").exists()
    assert mail.outbox == []


@pytest.mark.parametrize("url_name", ["mfa_index", "mfa_activate_totp", "mfa_view_recovery_codes"])
def test_mfa_pages_need_login(client, db, url_name):
    """Anonymous visitors are sent to log in."""
    response = client.get(reverse(url_name))

    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("account_login"))


def test_mfa_authenticate_page_renders_in_site_layout(client, person, password):
    """The code page sits in the site's layout with its skip link and header."""
    activate_totp(client, person, password)
    log_in(client, person.email, password)

    page = client.get(reverse("mfa_authenticate")).content.decode()

    assert 'href="#main"' in page
    assert 'class="site-header"' in page
    assert "aria-describedby" not in page or 'id="id_code_error"' in page
