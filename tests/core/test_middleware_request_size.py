"""Request bodies over their path's limit are refused with a 413 before anything reads them."""

import io
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

MB = 1024 * 1024
LIMIT = 7 * MB  # SPOKE_MAX_REQUEST_BYTES
ADMIN_LIMIT = 64 * MB  # SPOKE_MAX_ADMIN_REQUEST_BYTES


class Unreadable:
    """A request body that fails the test if anyone reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def _declared(client, path: str, length, **extra):
    """POST to ``path`` saying the body has ``length`` bytes, with a body nobody may read."""
    return client.generic(
        "POST",
        path,
        CONTENT_TYPE="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(length),
        **{"wsgi.input": Unreadable()},
        **extra,
    )


def _chunked(client, path: str, body: bytes):
    """POST ``body`` as a server hands on a chunked request: no Content-Length."""
    return client.request(
        REQUEST_METHOD="POST",
        PATH_INFO=path,
        CONTENT_TYPE="application/x-www-form-urlencoded",
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": io.BytesIO(body)},
    )


@pytest.fixture
def signed_in(client, learner):
    client.force_login(learner)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "learner"])
@pytest.mark.parametrize("path", ["/practice/", "/accounts/login/", "/admin/images/multiple/add/"])
def test_a_body_over_the_limit_is_refused_unread(client, learner, who, path):
    """Anonymous visitors and learners get a 413 page for a body of 7 MB + 1 byte, before a
    byte of it is read, on learners' pages and the admin alike."""
    if who == "learner":
        client.force_login(learner)
    response = _declared(client, path, LIMIT + 1)
    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert "What you sent is too large" in response.content.decode()
    assert "7.0\xa0MB" in response.content.decode()


@pytest.mark.django_db
def test_a_screenshot_a_bit_over_5_mb_still_reaches_the_form(signed_in):
    """A body under the limit is read as usual: a 6 MB file gets the form's own message
    (not the 413), which keeps what the learner typed."""
    upload = SimpleUploadedFile("big.png", b"\x89PNG" + b"\x00" * (6 * MB))
    response = signed_in.post("/practice/", {"screenshot": upload, "reflection": "kept"})
    assert response.status_code != HTTPStatus.REQUEST_ENTITY_TOO_LARGE


@pytest.mark.django_db
def test_a_real_body_over_the_limit_is_refused(signed_in):
    """A learner posting 8 MB for real gets the 413, with the learner's way back."""
    upload = SimpleUploadedFile("big.png", b"\x00" * (8 * MB))
    response = signed_in.post("/practice/", {"screenshot": upload})
    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert "Back button" in response.content.decode()


@pytest.mark.django_db
def test_the_admin_takes_larger_uploads_from_people_who_may_use_it(client, trainer):
    """A trainer may send 20 MB to the Wagtail admin, not more than its 64 MB limit."""
    client.force_login(trainer)
    body = b"x" * (20 * MB)
    response = client.generic(
        "POST",
        "/admin/documents/multiple/add/",
        body,
        content_type="application/octet-stream",
    )
    assert response.status_code != HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    over = _declared(client, "/admin/documents/multiple/add/", ADMIN_LIMIT + 1)
    assert over.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE


@pytest.mark.django_db
def test_the_admin_limit_is_not_for_people_who_cannot_use_the_admin(signed_in):
    """A learner (no admin access) gets the general limit under /admin/ too."""
    response = _declared(signed_in, "/admin/images/multiple/add/", LIMIT + 1)
    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "learner"])
def test_a_chunked_body_is_counted_and_refused_past_the_limit(client, learner, who):
    """A body sent without Content-Length is counted as it is read and refused once it
    passes the limit."""
    if who == "learner":
        client.force_login(learner)
    response = _chunked(client, "/accounts/login/", b"x" * (LIMIT + 1))
    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE


@pytest.mark.django_db
def test_a_chunked_body_under_the_limit_reaches_the_view(client, learner, password):
    """A small body sent without Content-Length is handed on whole: the password is
    accepted (and the log-in goes on to e-mail verification)."""
    client.get("/accounts/login/")
    body = f"login={learner.email}&password={password}".encode()
    response = client.request(
        REQUEST_METHOD="POST",
        PATH_INFO="/accounts/login/",
        CONTENT_TYPE="application/x-www-form-urlencoded",
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": io.BytesIO(body)},
    )
    assert response.status_code == HTTPStatus.FOUND, response.content[:500]
    assert response.url == "/accounts/confirm-email/"


@pytest.mark.django_db
@pytest.mark.parametrize("length", ["lots", "-1", "1e9"])
def test_a_content_length_that_is_not_a_size_is_a_bad_request(client, length):
    """A Content-Length that is not a whole number of bytes is refused as a bad request."""
    response = _declared(client, "/accounts/login/", length)
    assert response.status_code == HTTPStatus.BAD_REQUEST


@pytest.mark.django_db
def test_ordinary_requests_are_untouched(client):
    """GETs and small POSTs are not affected."""
    assert client.get("/accounts/login/").status_code == HTTPStatus.OK
    response = client.post("/accounts/login/", {"login": "nobody@spoke.example", "password": "x"})
    assert response.status_code == HTTPStatus.OK
