"""Every way in goes through allauth: the three failures found before roll-out.

A site admin with an authenticator app got in with the password alone at Wagtail's
``/_util/login/``; 41 wrong passwords in a row there were never locked out; an unconfirmed
sign-up reached the dashboard through it. Each old log-in address is tried here with what
worked before, beside allauth's own page.
"""

import re
from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from people.models import User

# The addresses that used to take a password outside allauth, and what each one's form
# called the e-mail field.
OLD_LOG_IN_PAGES = ["/_util/login/", "/admin/login/", "/django-admin/login/"]
LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def is_logged_in(client) -> bool:
    return SESSION_KEY in client.session


def try_old_page(client, url: str, email: str, password: str):
    return client.post(url, {"username": email, "password": password, "next": "/dashboard/"})


def allauth_log_in(client, email: str, password: str):
    return client.post(reverse("account_login"), {"login": email, "password": password})


@pytest.fixture
def admin_with_totp(site_admin):
    EmailAddress.objects.create(
        user=site_admin, email=site_admin.email, primary=True, verified=True
    )
    TOTP.activate(site_admin, generate_totp_secret())
    assert Authenticator.objects.filter(user=site_admin, type=Authenticator.Type.TOTP).exists()
    return site_admin


@pytest.mark.parametrize("url", OLD_LOG_IN_PAGES)
def test_old_log_in_pages_do_not_let_a_totp_admin_in_with_the_password(
    client, admin_with_totp, password, url
):
    """The right password at an old log-in address logs nobody in; the page sends people
    to allauth, which asks for the code."""
    response = try_old_page(client, url, admin_with_totp.email, password)

    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert not is_logged_in(client)
    response = client.get(url)
    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("account_login"))
    assert client.get("/admin/").status_code == HTTPStatus.FOUND
    assert not is_logged_in(client)


def test_allauth_asks_a_totp_admin_for_the_code(client, admin_with_totp, password):
    """At allauth's log-in the password is only the first step."""
    response = allauth_log_in(client, admin_with_totp.email, password)

    assert response.url == reverse("mfa_authenticate")
    assert not is_logged_in(client)
    response = client.get("/admin/")
    assert response.status_code == HTTPStatus.FOUND
    assert not is_logged_in(client)


@pytest.fixture
def rate_limits(settings):
    """allauth's default rate limits, as in production, counted in a fresh local cache."""
    del settings.ACCOUNT_RATE_LIMITS
    settings.CACHES = LOCMEM
    cache.clear()
    yield
    cache.clear()


def test_41_wrong_passwords_lock_the_account_out_on_every_path(
    client, learner, password, rate_limits
):
    """Wrong passwords, wherever typed, end in allauth's lockout: after them even the right
    password is refused for a while."""
    EmailAddress.objects.create(user=learner, email=learner.email, primary=True, verified=True)
    pages = [reverse("account_login"), *OLD_LOG_IN_PAGES]

    for attempt in range(41):
        url = pages[attempt % len(pages)]
        if url == reverse("account_login"):
            response = allauth_log_in(client, learner.email, f"wrong-{attempt}")
        else:
            response = try_old_page(client, url, learner.email, f"wrong-{attempt}")
        assert not is_logged_in(client)

    response = allauth_log_in(client, learner.email, password)
    assert not is_logged_in(client)
    assert "Too many failed login attempts" in response.content.decode()
    for url in OLD_LOG_IN_PAGES:
        try_old_page(client, url, learner.email, password)
        assert not is_logged_in(client)


def test_the_lockout_check_can_see_a_log_in(client, learner, password, rate_limits):
    """Below the limit the right password still works: the lockout above is the rate
    limit, not a broken log-in."""
    EmailAddress.objects.create(user=learner, email=learner.email, primary=True, verified=True)
    for attempt in range(3):
        allauth_log_in(client, learner.email, f"wrong-{attempt}")

    response = allauth_log_in(client, learner.email, password)

    assert response.url == reverse("dashboard")
    assert is_logged_in(client)


def test_unconfirmed_sign_up_reaches_the_dashboard_by_no_path(client, db):
    """A new sign-up with its address unconfirmed is not logged in anywhere, whichever
    log-in page it tries."""
    email, new_password = "new.person@spoke.example", "a-long-enough-passphrase"
    response = client.post(
        reverse("account_signup"),
        {
            "email": email,
            "password1": new_password,
            "password2": new_password,
            "first_name": "New",
            "last_name": "Person",
        },
    )
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]
    assert User.objects.filter(email=email).exists()
    assert not EmailAddress.objects.get(email=email).verified
    assert len(mail.outbox) == 1

    for url in OLD_LOG_IN_PAGES:
        try_old_page(client, url, email, new_password)
        assert not is_logged_in(client)
    response = allauth_log_in(client, email, new_password)
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == reverse("account_email_verification_sent")
    assert not is_logged_in(client)

    response = client.get(reverse("dashboard"))
    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("account_login"))


def test_a_password_reset_does_not_skip_the_code(client, admin_with_totp):
    """Resetting the password through allauth logs nobody in; the new password is again
    only the first step before the code."""
    new_password = "a-fresh-long-passphrase"
    client.post(reverse("account_reset_password"), {"email": admin_with_totp.email})
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+", mail.outbox[-1].body)
    assert link, mail.outbox[-1].body
    path = link.group(0).split("testserver", 1)[-1]
    form_page = client.get(path, follow=True)
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else path

    response = client.post(action, {"password1": new_password, "password2": new_password})

    assert response.status_code == HTTPStatus.FOUND
    assert not is_logged_in(client)
    response = allauth_log_in(client, admin_with_totp.email, new_password)
    assert response.url == reverse("mfa_authenticate")
    assert not is_logged_in(client)


def test_no_other_allauth_way_in_is_switched_on(settings):
    """Log-in by e-mailed code and log-in straight after a password reset stay off: each
    would be a way in this file does not try. The only third-party ways in are the
    company's single sign-on providers, tested in tests/people/sso/."""
    assert not getattr(settings, "ACCOUNT_LOGIN_BY_CODE_ENABLED", False)
    assert not getattr(settings, "ACCOUNT_LOGIN_ON_PASSWORD_RESET", False)
    providers = [app for app in settings.INSTALLED_APPS if app.startswith("allauth.socialaccount.")]
    assert providers == [
        "allauth.socialaccount.providers.openid_connect",
        "allauth.socialaccount.providers.saml",
    ]
    assert "allauth.headless" not in settings.INSTALLED_APPS
