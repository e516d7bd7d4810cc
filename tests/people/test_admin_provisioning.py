"""The Wagtail admin's provisioning tokens (list, revoke) and deactivate action, the
``scim_token_create`` command, and the SCIM names in Wagtail's action log."""

from http import HTTPStatus
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from wagtail.log_actions import registry as log_registry
from wagtail.models import ModelLogEntry

from cohorts.models import Enrollment
from people.models import ScimToken, User
from people.scim.services import scim_token_authenticate, scim_token_create
from tests.factories import EnrollmentFactory, UserFactory

from . import scim_requests as sent

pytestmark = pytest.mark.django_db

NOT_ADMINS = ["learner", "manager", "trainer", "hr", "lead"]


@pytest.fixture
def made():
    return scim_token_create(name="Okta")


def _urls(token: ScimToken, person: User) -> list[str]:
    return [
        reverse("people_admin:scim_tokens"),
        reverse("people_admin:scim_token_revoke", args=[token.pk]),
        reverse("people_admin:person_deactivate", args=[person.pk]),
    ]


# --- The command ---------------------------------------------------------------------------


def test_the_command_prints_the_token_once_and_keeps_a_digest():
    """The token is printed on stdout, works, and is not stored; making it is logged."""
    out, err = StringIO(), StringIO()
    call_command("scim_token_create", "Entra ID production", stdout=out, stderr=err)
    secret = out.getvalue().strip()
    token = ScimToken.objects.get()
    assert token.name == "Entra ID production"
    assert secret.startswith("spoke_scim_")
    assert len(secret) > 40
    assert secret not in (token.digest, token.prefix)
    assert "cannot show it again" in err.getvalue()
    assert scim_token_authenticate(header=f"Bearer {secret}") == token
    assert ModelLogEntry.objects.filter(action="spoke.scim.token_create").count() == 1


def test_the_command_needs_a_name():
    """A blank name is refused."""
    with pytest.raises(CommandError, match="needs a name"):
        call_command("scim_token_create", "   ", stdout=StringIO(), stderr=StringIO())


# --- Who may use the screens ---------------------------------------------------------------


@pytest.mark.parametrize("role", NOT_ADMINS)
def test_only_site_admins_reach_the_screens(client, request, made, learner, role):
    """Every other role gets 403 (or is sent away from the admin), and nothing changes."""
    client.force_login(request.getfixturevalue(role))
    for url in _urls(made[0], learner):
        assert client.get(url).status_code in (HTTPStatus.FORBIDDEN, HTTPStatus.FOUND)
        assert client.post(url, {"reason": "x"}).status_code in (
            HTTPStatus.FORBIDDEN,
            HTTPStatus.FOUND,
        )
    assert ScimToken.objects.get().revoked_at is None
    learner.refresh_from_db()
    assert learner.is_active


def test_visitors_are_sent_to_log_in(client, made, learner):
    """Anonymous visitors are redirected to log in."""
    for url in _urls(made[0], learner):
        response = client.get(url)
        assert response.status_code == HTTPStatus.FOUND
        assert "login" in response["Location"]


# --- Tokens --------------------------------------------------------------------------------


def test_the_list_shows_tokens_without_their_secret(client, site_admin, made):
    """Names, prefixes and "never used" show; the secret never does."""
    token, secret = made
    client.force_login(site_admin)
    response = client.get(reverse("people_admin:scim_tokens"))
    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Okta" in content
    assert token.prefix in content
    assert "never" in content
    assert secret not in content


def test_revoking_asks_first_then_refuses_the_token(client, site_admin, made):
    """GET only asks; POST revokes, logs who did it, and the token stops working."""
    token, secret = made
    client.force_login(site_admin)
    url = reverse("people_admin:scim_token_revoke", args=[token.pk])
    assert "Yes, revoke" in client.get(url).content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None
    response = client.post(url)
    assert response.status_code == HTTPStatus.FOUND
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert scim_token_authenticate(header=f"Bearer {secret}") is None
    [entry] = ModelLogEntry.objects.filter(action="spoke.scim.token_revoke")
    assert entry.user == site_admin
    client.post(url)  # twice changes nothing
    assert ModelLogEntry.objects.filter(action="spoke.scim.token_revoke").count() == 1


# --- Deactivating a person -----------------------------------------------------------------


def test_the_user_list_offers_deactivate_to_site_admins(client, site_admin, learner):
    """The people listing links each active person to the deactivate action."""
    client.force_login(site_admin)
    content = client.get(reverse("wagtailusers_users:index")).content.decode()
    assert reverse("people_admin:person_deactivate", args=[learner.pk]) in content
    assert reverse("people_admin:person_deactivate", args=[site_admin.pk]) not in content


def test_deactivating_asks_for_a_reason_and_keeps_what_was_typed(
    client, site_admin, learner, django_capture_on_commit_callbacks
):
    """Without a reason nothing happens and the form says so; with one the person is
    switched off with every effect."""
    enrollment = EnrollmentFactory(user=learner)
    client.force_login(site_admin)
    url = reverse("people_admin:person_deactivate", args=[learner.pk])
    assert "Yes, deactivate" in client.get(url).content.decode()
    response = client.post(url, {"reason": ""})
    assert response.status_code == HTTPStatus.OK
    assert "This field is required" in response.content.decode()
    learner.refresh_from_db()
    assert learner.is_active
    too_long = "x" * 201
    response = client.post(url, {"reason": too_long})
    assert too_long in response.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        with_effects = client.post(url, {"reason": "left on 3 March"})
    assert with_effects.status_code == HTTPStatus.FOUND
    learner.refresh_from_db()
    assert not learner.is_active
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.WITHDRAWN


def test_site_admins_cannot_deactivate_themselves(client, site_admin):
    """The form refuses one's own account."""
    client.force_login(site_admin)
    url = reverse("people_admin:person_deactivate", args=[site_admin.pk])
    response = client.post(url, {"reason": "oops"})
    assert "cannot deactivate yourself" in response.content.decode()
    site_admin.refresh_from_db()
    assert site_admin.is_active


# --- The action log ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "action",
    [
        "spoke.scim.create",
        "spoke.scim.update",
        "spoke.scim.deactivate",
        "spoke.scim.reactivate",
        "spoke.scim.token_create",
        "spoke.scim.token_revoke",
    ],
)
def test_scim_actions_have_names_in_the_action_log(action):
    """Each SCIM action is registered, so the admin's history shows words, not codes."""
    log_registry.scan_for_actions()
    assert action in dict(log_registry.get_choices())
    assert log_registry.get_formatter(ModelLogEntry(action=action)).message


def test_the_history_page_of_a_provisioned_person_shows_the_action(client, site_admin):
    """The person's history in the admin reads "Created by the identity provider"."""
    _token, secret = scim_token_create(name="Entra ID")
    UserFactory()  # someone else
    Client().post(
        "/scim/v2/Users",
        data=sent.dumps(sent.okta_create()),
        content_type="application/scim+json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    person = User.objects.get(email="bo.berg@spoke.example")
    client.force_login(site_admin)
    response = client.get(reverse("wagtailusers_users:history", args=[person.pk]))
    assert response.status_code == HTTPStatus.OK
    assert "Created by the identity provider" in response.content.decode()


def test_the_token_list_runs_a_fixed_number_of_queries(
    client, site_admin, django_assert_max_num_queries
):
    """Twenty tokens cost what two do."""
    client.force_login(site_admin)
    for number in range(2):
        scim_token_create(name=f"Token {number}")
    url = reverse("people_admin:scim_tokens")
    client.get(url)  # warm Wagtail's own caches
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    for number in range(18):
        scim_token_create(name=f"More {number}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert "More 17" in client.get(url).content.decode()


def test_wagtails_bulk_switch_off_has_every_effect_of_leaving(
    client, site_admin, learner, django_capture_on_commit_callbacks
):
    """Wagtail's bulk "Set active state" goes through the same service: the place goes,
    the date is kept for the reports; switching on again restores sign-in only."""
    enrollment = EnrollmentFactory(user=learner)
    other = UserFactory()
    client.force_login(site_admin)
    url = reverse("wagtail_bulk_action", args=["people", "user", "set_active_state"])
    query = f"?id={learner.pk}&id={other.pk}&id={site_admin.pk}"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url + query, {"mark_as_active": "False"})
    assert response.status_code == HTTPStatus.FOUND
    learner.refresh_from_db()
    assert not learner.is_active
    assert learner.deactivated_at is not None
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.WITHDRAWN
    assert not User.objects.get(pk=other.pk).is_active
    site_admin.refresh_from_db()
    assert site_admin.is_active  # nobody switches themselves off

    client.post(url + f"?id={learner.pk}", {"mark_as_active": "True"})
    learner.refresh_from_db()
    assert learner.is_active
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.WITHDRAWN
