"""Two-factor for staff (``SPOKE_REQUIRE_MFA_FOR_STAFF``): trainers, HR, advocacy leads and
site admins set up an authenticator app before anything else; learners never have to."""

from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

STAFF = ["trainer", "hr", "lead", "site_admin"]
LEARNERS = ["learner", "manager"]
SETUP = reverse("mfa_activate_totp")

# What a person opens: the dashboard, both admins, a report, a Wagtail page.
GUARDED = ["/dashboard/", "/admin/", "/django-admin/", "/reports/heatmap/", "/"]

# What staff without two-factor can still reach.
ALLOWED = [
    reverse("mfa_index"),
    reverse("mfa_activate_totp"),
    reverse("mfa_view_recovery_codes"),
    reverse("account_reauthenticate"),
    reverse("account_logout"),
    reverse("account_email"),
    "/static/css/spoke.css",
    "/healthz",
]


@pytest.fixture(autouse=True)
def _required(settings):
    settings.SPOKE_REQUIRE_MFA_FOR_STAFF = True
    cache.clear()  # allauth's used codes and rate limits
    yield
    cache.clear()


def person(request, role: str):
    user = request.getfixturevalue(role)
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    return user


def sent_to_setup(response) -> bool:
    return response.status_code == HTTPStatus.FOUND and response.url == SETUP


@pytest.mark.parametrize("role", STAFF)
@pytest.mark.parametrize("url", GUARDED)
def test_staff_without_two_factor_are_sent_to_set_it_up(client, request, role, url):
    """Every staff role is sent from every page to the set-up page, the admins included."""
    client.force_login(person(request, role))

    assert sent_to_setup(client.get(url))
    assert sent_to_setup(client.post(url, {}))


@pytest.mark.parametrize("role", STAFF)
def test_the_set_up_page_says_why(client, request, role, password):
    """Logged in through allauth, staff confirm their password and land on the set-up page,
    which gives the reason."""
    user = person(request, role)

    client.post(reverse("account_login"), {"login": user.email, "password": password})
    response = client.get("/dashboard/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))
    response = client.post(
        reverse("account_reauthenticate"), {"password": password, "next": SETUP}, follow=True
    )

    assert response.redirect_chain[-1][0] == SETUP
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "Set up an authenticator app to continue." in page
    assert 'name="code"' in page
    assert page.count("protect what they can reach with two-factor") == 1


def test_the_password_confirmation_on_the_way_says_why_too(client, trainer):
    """allauth asks for the password again before showing the app's code: that page
    explains as well, once."""
    EmailAddress.objects.create(user=trainer, email=trainer.email, primary=True, verified=True)
    client.force_login(trainer)

    response = client.get("/admin/", follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))
    assert response.content.decode().count("protect what they can reach with two-factor") == 1


def test_learners_see_no_explanation(client, learner):
    """The reason is for staff only; a learner's two-factor page has none."""
    client.force_login(learner)

    assert "protect what they can reach" not in client.get(reverse("mfa_index")).content.decode()


@pytest.mark.parametrize("role", STAFF)
@pytest.mark.parametrize("url", ALLOWED)
def test_set_up_log_out_and_files_stay_reachable(client, request, role, url):
    """The set-up pages, re-authentication, log-out, static files and /healthz answer."""
    client.force_login(person(request, role))

    response = client.get(url)

    assert not sent_to_setup(response)
    assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR  # no codes yet: a 404


@pytest.mark.parametrize("role", STAFF)
def test_staff_can_log_out(client, request, role):
    """Log-out works without two-factor."""
    client.force_login(person(request, role))

    client.post(reverse("account_logout"))

    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("role", STAFF)
def test_staff_with_two_factor_get_through(client, request, role):
    """Once an authenticator is set up, the pages open as before."""
    user = person(request, role)
    TOTP.activate(user, generate_totp_secret())
    client.force_login(user)

    assert client.get("/dashboard/").status_code == HTTPStatus.OK
    assert not sent_to_setup(client.get("/admin/"))
    assert not sent_to_setup(client.get("/django-admin/"))
    assert not sent_to_setup(client.get("/reports/heatmap/"))


@pytest.mark.parametrize("role", LEARNERS)
@pytest.mark.parametrize("url", GUARDED)
def test_learners_and_managers_are_never_forced(client, request, role, url):
    """Employees and managers use Spoke without two-factor."""
    client.force_login(person(request, role))

    assert not sent_to_setup(client.get(url))


@pytest.mark.parametrize("role", STAFF)
def test_with_the_setting_off_nobody_is_forced(client, request, role, settings):
    """SPOKE_REQUIRE_MFA_FOR_STAFF off: staff get through without two-factor."""
    settings.SPOKE_REQUIRE_MFA_FOR_STAFF = False
    client.force_login(person(request, role))

    assert client.get("/dashboard/").status_code == HTTPStatus.OK
    assert not sent_to_setup(client.get("/admin/"))


def test_visitors_are_not_redirected_to_set_up(client, db):
    """Someone not logged in is sent to log in, as before."""
    response = client.get("/dashboard/")

    assert response.url.startswith(reverse("account_login"))


def _queries(client, url: str) -> int:
    client.get(url)  # warm the caches a first request fills
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == HTTPStatus.OK
    return len(captured)


@pytest.mark.parametrize(
    ("role", "extra"), [("learner", 0), ("manager", 0), ("trainer", 1), ("site_admin", 1)]
)
def test_the_check_costs_staff_one_query_and_learners_none(
    client, request, role, extra, settings, django_assert_max_num_queries
):
    """The dashboard with the check on costs learners no query more and staff one."""
    user = person(request, role)
    TOTP.activate(user, generate_totp_secret())
    client.force_login(user)
    settings.SPOKE_REQUIRE_MFA_FOR_STAFF = False
    without = _queries(client, "/dashboard/")
    settings.SPOKE_REQUIRE_MFA_FOR_STAFF = True

    with django_assert_max_num_queries(without + extra):
        assert client.get("/dashboard/").status_code == HTTPStatus.OK
