"""Sessions read with a fixed statement (core.sessions): the same rows as Django's own
database backend, the same answers, expiry included."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_the_site_uses_it():
    assert settings.SESSION_ENGINE == "core.sessions"


def test_it_reads_what_djangos_backend_wrote_and_the_other_way_round():
    """Switching between the two keeps everyone signed in."""
    theirs = DjangoStore()
    theirs["colour"] = "teal"
    theirs.create()
    assert SessionStore(theirs.session_key)["colour"] == "teal"
    ours = SessionStore()
    ours["shape"] = "round"
    ours.create()
    assert DjangoStore(ours.session_key)["shape"] == "round"


def test_an_expired_or_unknown_session_is_empty_and_gets_a_new_key():
    store = SessionStore()
    store["colour"] = "teal"
    store.create()
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    expired = SessionStore(store.session_key)
    assert expired.load() == {}
    assert expired.session_key is None
    unknown = SessionStore("x" * 32)
    assert unknown.load() == {}
    assert unknown.session_key is None


def test_signing_in_and_out_work(learner, password):
    """A person signs in (the session is written and read back), reads their dashboard,
    and after logging out is a visitor again with the same cookie."""
    EmailAddress.objects.create(user=learner, email=learner.email, primary=True, verified=True)
    client = Client()
    response = client.post(reverse("account_login"), {"login": learner.email, "password": password})
    assert response.status_code == HTTPStatus.FOUND
    assert client.get(reverse("dashboard")).status_code == HTTPStatus.OK
    client.post(reverse("account_logout"))
    response = client.get(reverse("dashboard"))
    assert response.status_code == HTTPStatus.FOUND
    assert reverse("account_login") in response["Location"]


def test_clearing_expired_sessions_still_works():
    """``manage.py clearsessions`` (Django's own, inherited) removes expired rows."""
    live, old = SessionStore(), SessionStore()
    live.create()
    old.create()
    Session.objects.filter(session_key=old.session_key).update(
        expire_date=timezone.now() - timedelta(days=1)
    )
    SessionStore.clear_expired()
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]
