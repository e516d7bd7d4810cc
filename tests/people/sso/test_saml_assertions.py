"""SAML through allauth's ACS: signed assertions let people in, broken ones never do."""

import datetime
from http import HTTPStatus

from django.contrib.auth import SESSION_KEY
from django.test import Client

from people.models import User
from tests.people.sso import saml_idp
from tests.people.sso.conftest import ACS_URL, post_response, start


def _signed_in(client) -> bool:
    return SESSION_KEY in client.session


def test_signed_assertion_signs_in_and_creates_the_person(client, saml_sign_in):
    """A signed assertion for a new person of a company domain: created and signed in."""
    response = saml_sign_in("ana@spoke.example")

    assert response.status_code == HTTPStatus.OK
    assert response.redirect_chain[-1][0] == "/dashboard/"
    assert _signed_in(client)
    assert User.objects.get(email="ana@spoke.example").has_usable_password() is False


def test_unsigned_assertion_is_refused(client, saml_sign_in):
    """No signature: nobody is signed in or created."""
    saml_sign_in("ana@spoke.example", keys=None)

    assert not _signed_in(client)
    assert not User.objects.filter(email="ana@spoke.example").exists()


def test_assertion_signed_with_another_key_is_refused(client, saml_sign_in, other_keys):
    """A signature by a key that is not the IdP's: refused."""
    saml_sign_in("ana@spoke.example", keys=other_keys)

    assert not _signed_in(client)
    assert not User.objects.filter(email="ana@spoke.example").exists()


def test_expired_assertion_is_refused(client, saml_sign_in):
    """An assertion whose time ran out an hour ago: refused."""
    an_hour_ago = datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1)
    saml_sign_in("ana@spoke.example", issued=an_hour_ago)

    assert not _signed_in(client)
    assert not User.objects.filter(email="ana@spoke.example").exists()


def test_assertion_for_another_audience_is_refused(client, saml_sign_in):
    """An assertion made out to another service provider: refused."""
    saml_sign_in("ana@spoke.example", audience="https://elsewhere.example/saml")

    assert not _signed_in(client)
    assert not User.objects.filter(email="ana@spoke.example").exists()


def test_replayed_assertion_is_refused(client, saml_app, idp_keys, learner):
    """The same signed response posted a second time (another tab, or a thief who copied
    it) signs nobody in: the request it answers was used up by the first."""
    request_id = start(client, learner.email)
    saml_response = saml_idp.response(
        keys=idp_keys, acs_url=ACS_URL, email=learner.email, in_response_to=request_id
    )
    post_response(client, saml_response)
    assert _signed_in(client)
    client.logout()

    response = post_response(client, saml_response)

    assert not _signed_in(client)
    assert response.status_code in {HTTPStatus.FORBIDDEN, HTTPStatus.OK}


def test_replay_in_another_browser_is_refused(client, saml_app, idp_keys, learner):
    """A response captured from one browser and posted from another: refused (it answers
    no request of that browser, and responses the IdP sends unasked are not accepted)."""
    request_id = start(client, learner.email)
    saml_response = saml_idp.response(
        keys=idp_keys, acs_url=ACS_URL, email=learner.email, in_response_to=request_id
    )
    thief = Client(HTTP_HOST="testserver")
    post_response(thief, saml_response)

    assert SESSION_KEY not in thief.session


def test_unsolicited_response_is_refused(client, saml_app, idp_keys, learner):
    """An IdP-initiated response (no request of ours) is refused by default."""
    saml_response = saml_idp.response(
        keys=idp_keys, acs_url=ACS_URL, email=learner.email, in_response_to=None
    )
    post_response(client, saml_response)

    assert not _signed_in(client)


def test_garbage_saml_response_is_refused(client, saml_app):
    """Not base64, not XML: an error page, nobody signed in, no server error."""
    for garbage in ("%%%not-base64", "PGZvbz4=", ""):
        response = post_response(client, garbage)
        assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR
        assert not _signed_in(client)


def test_xmlsec_and_lxml_use_the_same_libxml2():
    """python3-saml hands lxml's documents to xmlsec: both wheels must carry the same
    libxml2, or signatures fail in odd ways. If this fails after an upgrade, move lxml and
    xmlsec together (requirements/*.lock)."""
    import lxml.etree
    import xmlsec

    assert xmlsec.get_libxml_version() == lxml.etree.LIBXML_VERSION
