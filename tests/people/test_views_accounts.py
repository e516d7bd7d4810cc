"""Accounts end to end through allauth's pages: sign-up, log-in, log-out, password reset,
e-mail change, rate limits, and the site layout around all of them."""

import ast
import re
from http import HTTPStatus
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from people.models import User
from tests.factories import UserFactory

NEW_PASSWORD = "a-fresh-long-passphrase"
SETTINGS_DIR = Path(__file__).resolve().parents[2] / "lms" / "settings"
LINK = re.compile(r"http://testserver(/accounts/\S+)")


@pytest.fixture(autouse=True)
def _empty_cache():
    """allauth counts rate limits and used codes in the cache: start every test clean."""
    cache.clear()
    yield
    cache.clear()


def verified(user: User) -> User:
    """Give ``user`` the confirmed primary address that mandatory verification asks for."""
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    return user


@pytest.fixture
def person(learner):
    return verified(learner)


def signup_data(**overrides) -> dict:
    data = {
        "first_name": "Nina",
        "last_name": "Newcomer",
        "email": "nina@spoke.example",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    data.update(overrides)
    return data


def log_in(client, email: str, password: str):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def link_in(message) -> str:
    """The path of the one allauth link in an e-mail."""
    links = LINK.findall(message.body)
    assert len(links) == 1, message.body
    return links[0]


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- Sign-up ------------------------------------------------------------------------------


def test_signup_page_names_the_allowed_domains(client, db):
    """The sign-up page says which e-mail domains may sign up before anyone types."""
    response = client.get(reverse("account_signup"))

    assert response.status_code == HTTPStatus.OK
    assert "@spoke.example" in response.content.decode()


def test_signup_with_allowed_domain_needs_confirmation_before_log_in(client, db):
    """A sign-up makes an unconfirmed account and mails a link; after it, log-in works."""
    response = client.post(reverse("account_signup"), signup_data())

    assert response.status_code == HTTPStatus.FOUND
    assert response.url == reverse("account_email_verification_sent")
    user = User.objects.get(email="nina@spoke.example")
    assert (user.first_name, user.last_name) == ("Nina", "Newcomer")
    assert not EmailAddress.objects.get(user=user).verified
    assert not is_logged_in(client)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nina@spoke.example"]

    response = log_in(client, "nina@spoke.example", NEW_PASSWORD)
    assert response.url == reverse("account_email_verification_sent")
    assert not is_logged_in(client)

    confirm_path = link_in(mail.outbox[0])
    assert client.get(confirm_path).status_code == HTTPStatus.OK
    response = client.post(confirm_path)
    assert response.status_code == HTTPStatus.FOUND
    assert EmailAddress.objects.get(user=user).verified

    client.logout()
    response = log_in(client, "nina@spoke.example", NEW_PASSWORD)
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == reverse("dashboard") == "/dashboard/"
    assert client.get(response.url).status_code == HTTPStatus.OK


@pytest.mark.parametrize(
    "email",
    [
        "nina@elsewhere.example",
        "nina@sub.spoke.example",
        "nina@spoke.example.evil.example",
        "nina@notspoke.example",
    ],
)
def test_signup_with_other_domain_is_refused_and_keeps_input(client, db, email):
    """Another domain is refused with a message naming the allowed ones; input is kept."""
    response = client.post(reverse("account_signup"), signup_data(email=email))

    assert response.status_code == HTTPStatus.OK
    errors = response.context["form"].errors["email"]
    assert any("@spoke.example" in error for error in errors)
    page = response.content.decode()
    assert f'value="{email}"' in page
    assert 'value="Nina"' in page
    assert 'value="Newcomer"' in page
    assert not User.objects.filter(email=email).exists()
    assert mail.outbox == []


def test_signup_is_closed_without_allowed_domains(client, db, settings):
    """With no allowed domains the page explains invitations and a POST creates nobody."""
    settings.SPOKE_ALLOWED_EMAIL_DOMAINS = []

    page = client.get(reverse("account_signup")).content.decode()
    assert "open by invitation" in page
    assert "trainer or HR" in page

    response = client.post(reverse("account_signup"), signup_data())
    assert response.status_code == HTTPStatus.OK
    assert "open by invitation" in response.content.decode()
    assert not User.objects.exists()
    assert mail.outbox == []


def test_signup_with_nothing_filled_in_lists_each_missing_field(client, db):
    """An empty sign-up names every required field and creates nobody."""
    response = client.post(reverse("account_signup"), {})

    assert response.status_code == HTTPStatus.OK
    errors = response.context["form"].errors
    assert set(errors) >= {"first_name", "email", "password1", "password2"}
    assert "last_name" not in errors
    assert not User.objects.exists()


def test_signup_with_blank_first_name_is_refused(client, db):
    """A first name of spaces only counts as missing."""
    response = client.post(reverse("account_signup"), signup_data(first_name="   "))

    assert "first_name" in response.context["form"].errors
    assert not User.objects.exists()


def test_signup_with_mismatched_passwords_keeps_the_rest(client, db):
    """Different passwords are refused on the second one; names and e-mail are kept."""
    response = client.post(reverse("account_signup"), signup_data(password2="something-else-1"))

    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["password2"]
    page = response.content.decode()
    assert 'value="nina@spoke.example"' in page
    assert 'value="Nina"' in page
    assert NEW_PASSWORD not in page
    assert not User.objects.exists()


def test_signup_with_overlong_name_is_refused(client, db):
    """A first name over 150 characters is refused with the limit; other input is kept."""
    response = client.post(reverse("account_signup"), signup_data(first_name="N" * 151))

    assert response.status_code == HTTPStatus.OK
    assert "150" in response.context["form"].errors["first_name"][0]
    assert 'value="nina@spoke.example"' in response.content.decode()
    assert not User.objects.exists()


def test_signup_escapes_markup_typed_into_names(client, db):
    """Markup typed into a name comes back as text, never as HTML."""
    response = client.post(
        reverse("account_signup"),
        signup_data(first_name='<script>alert("x")</script>', password2="mismatch-123456"),
    )

    page = response.content.decode()
    assert '<script>alert("x")</script>' not in page
    assert "&lt;script&gt;" in page


def test_signup_stores_email_in_lower_case(client, db):
    """An address typed with capitals is stored lower-cased on the person and the address."""
    client.post(reverse("account_signup"), signup_data(email="Nina.New@Spoke.EXAMPLE"))

    user = User.objects.get()
    assert user.email == "nina.new@spoke.example"
    assert EmailAddress.objects.get(user=user).email == "nina.new@spoke.example"


def test_signup_with_existing_address_creates_nothing_and_tells_the_owner(client, person):
    """With mandatory verification a taken address looks like any sign-up to the visitor,
    makes no second account and mails the owner instead."""
    response = client.post(reverse("account_signup"), signup_data(email=person.email))

    assert response.status_code == HTTPStatus.FOUND
    assert response.url == reverse("account_email_verification_sent")
    assert User.objects.filter(email=person.email).count() == 1
    assert User.objects.count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [person.email]
    assert "already has an account" in mail.outbox[0].body


def test_signup_with_existing_address_is_refused_when_verification_optional(
    client, person, settings
):
    """Where verification is optional (the demo), a taken address is refused outright
    and the rest of the input is kept."""
    settings.ACCOUNT_EMAIL_VERIFICATION = "optional"

    response = client.post(reverse("account_signup"), signup_data(email=person.email.upper()))

    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["email"]
    assert 'value="Nina"' in response.content.decode()
    assert User.objects.count() == 1


# --- Log-in and log-out -------------------------------------------------------------------


def test_login_with_email_and_password_lands_on_dashboard(client, person, password):
    """The right e-mail and password log in and lead to the dashboard."""
    response = log_in(client, person.email, password)

    assert response.status_code == HTTPStatus.FOUND
    assert response.url == reverse("dashboard")
    assert int(client.session["_auth_user_id"]) == person.pk


def test_login_ignores_capitals_in_the_email(client, person, password):
    """The e-mail address matches whatever its capitals."""
    response = log_in(client, person.email.upper(), password)

    assert response.url == reverse("dashboard")


def test_login_with_wrong_password_keeps_the_email(client, person):
    """A wrong password gets a clear error, the typed e-mail stays, nobody is logged in."""
    response = log_in(client, person.email, "not-the-password")

    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].non_field_errors()
    page = response.content.decode()
    assert "not correct" in page
    assert f'value="{person.email}"' in page
    assert not is_logged_in(client)


def test_logout_takes_a_post_and_ends_the_session(client, person, password):
    """The header logs out with a POST form; a GET only asks; the POST ends the session."""
    log_in(client, person.email, password)
    page = client.get(reverse("dashboard")).content.decode()
    assert re.search(
        r'<form method="post" action="{}"'.format(re.escape(reverse("account_logout"))), page
    )

    assert client.get(reverse("account_logout")).status_code == HTTPStatus.OK
    assert is_logged_in(client)

    response = client.post(reverse("account_logout"))
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == "/"
    assert not is_logged_in(client)
    assert client.get(reverse("dashboard")).status_code == HTTPStatus.FOUND


# --- Password reset -----------------------------------------------------------------------


def test_password_reset_link_sets_a_new_password(client, person, password):
    """A reset mail carries a link; the password set through it replaces the old one."""
    response = client.post(reverse("account_reset_password"), {"email": person.email})
    assert response.url == reverse("account_reset_password_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [person.email]

    response = client.get(link_in(mail.outbox[0]))
    assert response.status_code == HTTPStatus.FOUND
    set_password_url = response.url
    response = client.post(set_password_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.url == reverse("account_reset_password_from_key_done")

    assert log_in(client, person.email, password).status_code == HTTPStatus.OK
    assert log_in(client, person.email, NEW_PASSWORD).url == reverse("dashboard")


def test_password_reset_link_works_only_once(client, person):
    """A used reset link says it no longer works."""
    client.post(reverse("account_reset_password"), {"email": person.email})
    link = link_in(mail.outbox[0])
    set_password_url = client.get(link).url
    client.post(set_password_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    response = client.get(link, follow=True)
    assert response.context["token_fail"]
    assert "no longer works" in response.content.decode()


def test_password_reset_does_not_reveal_unknown_addresses(client, person):
    """Known and unknown addresses get the same answer; no reset link goes to a stranger."""
    known = client.post(reverse("account_reset_password"), {"email": person.email})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@spoke.example"})

    assert known.status_code == unknown.status_code == HTTPStatus.FOUND
    assert known.url == unknown.url
    to_owner, to_stranger = mail.outbox
    assert to_owner.to == [person.email]
    assert "/password/reset/key/" in to_owner.body
    assert to_stranger.to == ["nobody@spoke.example"]
    assert "/password/reset/key/" not in to_stranger.body


@pytest.mark.parametrize("allowed", [["spoke.example"], []])
def test_password_reset_works_for_addresses_outside_the_allowed_domains(
    client, db, settings, allowed
):
    """An invited person whose address is in no allowed domain can still reset."""
    settings.SPOKE_ALLOWED_EMAIL_DOMAINS = allowed
    guest = verified(UserFactory(email="coach@partner.example"))

    response = client.post(reverse("account_reset_password"), {"email": guest.email})

    assert response.url == reverse("account_reset_password_done")
    assert len(mail.outbox) == 1
    assert "/password/reset/key/" in mail.outbox[0].body


# --- E-mail change ------------------------------------------------------------------------


def test_change_email_to_allowed_domain_after_confirmation(client, person, password):
    """A new address waits unconfirmed; its link makes it the primary one."""
    log_in(client, person.email, password)
    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "Lena.New@spoke.example"}
    )
    assert response.status_code == HTTPStatus.FOUND
    pending = EmailAddress.objects.get(email="lena.new@spoke.example")
    assert (pending.user, pending.verified, pending.primary) == (person, False, False)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["lena.new@spoke.example"]
    assert "lena.new@spoke.example" in client.get(reverse("account_email")).content.decode()

    client.post(link_in(mail.outbox[0]))

    changed = EmailAddress.objects.get(user=person)
    assert (changed.email, changed.verified, changed.primary) == (
        "lena.new@spoke.example",
        True,
        True,
    )
    person.refresh_from_db()
    assert person.email == "lena.new@spoke.example"
    client.logout()
    assert log_in(client, "lena.new@spoke.example", password).url == reverse("dashboard")


def test_change_email_to_other_domain_is_refused(client, person, password):
    """An address outside the allowed domains is refused with the message; it is kept."""
    log_in(client, person.email, password)
    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "lena@private.example"}
    )

    assert response.status_code == HTTPStatus.OK
    assert any("@spoke.example" in e for e in response.context["form"].errors["email"])
    page = response.content.decode()
    assert 'value="lena@private.example"' in page
    assert 'aria-describedby="id_email_helptext id_email_error"' in page
    assert not EmailAddress.objects.filter(email="lena@private.example").exists()
    assert mail.outbox == []


def test_unconfirmed_address_cannot_become_primary(client, person, password):
    """Making a pending, unconfirmed address primary is refused."""
    log_in(client, person.email, password)
    client.post(reverse("account_email"), {"action_add": "", "email": "lena.new@spoke.example"})

    client.post(reverse("account_email"), {"action_primary": "", "email": "lena.new@spoke.example"})

    assert EmailAddress.objects.get(primary=True).email == person.email
    person.refresh_from_db()
    assert person.email == "learner@spoke.example"


def test_email_page_needs_login(client, db):
    """Anonymous visitors are sent to log in."""
    response = client.get(reverse("account_email"))

    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("account_login"))


def test_change_password_needs_the_current_one(client, person, password):
    """A wrong current password is refused; the right one lets the new password in."""
    log_in(client, person.email, password)
    url = reverse("account_change_password")
    new = {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}

    response = client.post(url, {"oldpassword": "not-the-password", **new})
    assert response.context["form"].errors["oldpassword"]

    response = client.post(url, {"oldpassword": password, **new})
    assert response.status_code == HTTPStatus.FOUND
    client.post(reverse("account_logout"))
    assert log_in(client, person.email, NEW_PASSWORD).url == reverse("dashboard")


# --- Rate limits --------------------------------------------------------------------------


def test_base_settings_keep_allauth_rate_limits_on():
    """Only the test settings switch allauth's rate limits off; no other settings file does."""
    from lms.settings import base

    assert getattr(base, "ACCOUNT_RATE_LIMITS", {}) is not False
    # production.py refuses to import without its secrets, so read the files instead.
    for name in ("base.py", "local.py", "production.py"):
        tree = ast.parse((SETTINGS_DIR / name).read_text())
        assigned = {
            target.id
            for node in ast.walk(tree)
            if isinstance(node, ast.Assign)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        assert "ACCOUNT_RATE_LIMITS" not in assigned, name


def test_allauth_default_limits_include_failed_logins(settings):
    """Without our test override, allauth limits failed log-ins."""
    from allauth.account import app_settings

    del settings.ACCOUNT_RATE_LIMITS

    assert app_settings.RATE_LIMITS["login_failed"]


def test_repeated_failed_logins_are_refused(client, person, password, settings):
    """After the allowed failures even the right password is refused for a while."""
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/m/ip,3/m/key"}

    for _ in range(3):
        response = log_in(client, person.email, "wrong-guess")
        assert "not correct" in response.content.decode()

    response = log_in(client, person.email, password)

    assert response.status_code == HTTPStatus.OK
    assert "Too many failed login attempts" in response.content.decode()
    assert not is_logged_in(client)


# --- Layout and markup --------------------------------------------------------------------

ANONYMOUS_PAGES = ["account_login", "account_signup", "account_reset_password"]
PERSONAL_PAGES = ["account_email", "account_change_password", "mfa_index"]


def assert_in_site_layout(page: str) -> None:
    assert 'href="#main"' in page
    assert 'class="site-header"' in page
    assert '<main id="main"' in page
    assert 'class="site-footer"' in page


@pytest.mark.parametrize("url_name", ANONYMOUS_PAGES)
def test_entrance_pages_render_in_site_layout(client, db, url_name):
    """Log-in, sign-up and password reset sit in the site's layout with its skip link."""
    response = client.get(reverse(url_name))

    assert response.status_code == HTTPStatus.OK
    assert_in_site_layout(response.content.decode())


@pytest.mark.parametrize("url_name", PERSONAL_PAGES)
def test_account_pages_render_in_site_layout(client, person, password, url_name):
    """E-mail, password and two-factor pages sit in the site's layout."""
    log_in(client, person.email, password)

    response = client.get(reverse(url_name))

    assert response.status_code == HTTPStatus.OK
    assert_in_site_layout(response.content.decode())


def test_signup_errors_are_tied_to_their_inputs(client, db):
    """Each error has an id that its input names in aria-describedby, with a visible label."""
    response = client.post(reverse("account_signup"), signup_data(first_name=""))

    page = response.content.decode()
    assert '<label for="id_first_name">' in page
    assert 'id="id_first_name_error"' in page
    assert 'aria-describedby="id_first_name_error"' in page
    assert 'aria-invalid="true"' in page
    assert 'id="id_email_helptext"' in page
