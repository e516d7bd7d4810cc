"""“My credentials”: each person's own list, and hiding or showing one."""

from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from credentials.models import Credential
from tests.credentials.conftest import (
    bare_credential,
    complete_course,
    credentials_of,
    join_roster,
)

pytestmark = pytest.mark.django_db

MINE = "credentials:mine"


@pytest.fixture
def credential(signing_key, learner, course, committed):
    complete_course(learner, course, committed)
    return credentials_of(learner)[0]


def toggle(client, credential, hidden: str):
    return client.post(
        reverse("credentials:toggle_hidden", args=[credential.token]), {"hidden": hidden}
    )


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    """The list is personal."""
    response = client.get(reverse(MINE))
    assert response.status_code == HTTPStatus.FOUND
    assert reverse("account_login") in response["Location"]


def test_empty_list_says_how_to_earn_one(client, learner):
    """No credentials yet: the page says how one is earned."""
    client.force_login(learner)
    response = client.get(reverse(MINE))
    assert response.status_code == HTTPStatus.OK
    assert "No credentials yet" in response.content.decode()


def test_the_list_shows_only_ones_own(client, credential, manager, committed):
    """Someone else's credential is never listed."""
    join_roster(manager, committed)
    client.force_login(manager)
    text = client.get(reverse(MINE)).content.decode()
    assert "Listening to customers" not in text
    assert "advocate" in text


def test_the_holder_hides_and_shows(client, credential, learner):
    """Hide: the certificate answers 404; show: it answers again."""
    client.force_login(learner)
    certificate = reverse("credentials:certificate", args=[credential.token])
    response = toggle(client, credential, "1")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse(MINE)
    assert Credential.objects.get(pk=credential.pk).hidden
    assert client.get(certificate).status_code == HTTPStatus.NOT_FOUND
    text = client.get(reverse(MINE)).content.decode()
    assert "Hidden" in text
    toggle(client, credential, "0")
    assert not Credential.objects.get(pk=credential.pk).hidden
    assert client.get(certificate).status_code == HTTPStatus.OK


def test_someone_else_cannot_hide_it(client, credential, manager, hr):
    """Another person, HR included, gets 404 and the credential stays visible."""
    for other in (manager, hr):
        client.force_login(other)
        assert toggle(client, credential, "1").status_code == HTTPStatus.NOT_FOUND
    assert not Credential.objects.get(pk=credential.pk).hidden


def test_anonymous_cannot_hide_it(client, credential):
    """Not logged in: sent to log in, nothing changes."""
    response = toggle(client, credential, "1")
    assert response.status_code == HTTPStatus.FOUND
    assert not Credential.objects.get(pk=credential.pk).hidden


def test_hiding_needs_a_post_with_csrf(credential, learner):
    """GET changes nothing; a POST without the CSRF token is refused."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    url = reverse("credentials:toggle_hidden", args=[credential.token])
    assert client.get(url).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert client.post(url, {"hidden": "1"}).status_code == HTTPStatus.FORBIDDEN
    assert not Credential.objects.get(pk=credential.pk).hidden


def test_anything_but_1_shows(client, credential, learner):
    """A malformed value never hides by accident."""
    client.force_login(learner)
    toggle(client, credential, "yes please")
    assert not Credential.objects.get(pk=credential.pk).hidden


def test_the_list_query_count_is_bounded(client, learner, django_assert_max_num_queries):
    """Twenty credentials (hidden, revoked, visible) take the queries of two."""
    client.force_login(learner)
    bare_credential(learner, 0)
    bare_credential(learner, 1, hidden=True)
    client.get(reverse(MINE))
    with django_assert_max_num_queries(9):
        client.get(reverse(MINE))
    for number in range(2, 20):
        bare_credential(learner, number, hidden=number % 3 == 0, revoked_at=timezone.now())
    with django_assert_max_num_queries(9):
        response = client.get(reverse(MINE))
    assert response.content.decode().count("<tr>") == 21


def test_the_dashboard_links_to_the_list(client, credential, learner):
    """The dashboard has a credentials panel with the count and the link."""
    client.force_login(learner)
    text = client.get(reverse("dashboard")).content.decode()
    assert "Your credentials" in text
    assert reverse(MINE) in text
