"""Request bodies are limited before anything reads them.

Django reads a body when a view (or the CSRF check) first touches ``request.POST``: files
over ``FILE_UPLOAD_MAX_MEMORY_SIZE`` go to temporary files, whatever their size. This
middleware answers 413 first when the body is larger than its path allows:

- ``SPOKE_MAX_REQUEST_BYTES`` everywhere (a learner's screenshot of 5 MB, a reflection and
  the form around them fit);
- ``SPOKE_MAX_ADMIN_REQUEST_BYTES`` under the prefixes in ``SPOKE_ADMIN_REQUEST_PATHS``
  (Wagtail's images and documents), for signed-in people who may use the admin. Anyone
  else gets the general limit there too, so a visitor cannot make the server store large
  bodies on its way to a log-in redirect.

The size is the ``Content-Length`` header. A chunked body has none: it is read here up to
the limit (spooled to disk past a few MB) and handed on with its length, or refused as soon
as it passes the limit. A ``Content-Length`` that is not a number is a bad request.
"""

import tempfile
from http import HTTPStatus

from django.conf import settings
from django.core.handlers.wsgi import LimitedStream
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat

_CHUNK = 64 * 1024
_SPOOL_BYTES = 2 * 1024 * 1024


def _is_chunked(request) -> bool:
    encodings = request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
    return "chunked" in encodings or bool(request.META.get("wsgi.input_terminated"))


def request_body_limit(request) -> int:
    """The largest body ``request`` may send, in bytes."""
    general = settings.SPOKE_MAX_REQUEST_BYTES
    if not request.path_info.startswith(tuple(settings.SPOKE_ADMIN_REQUEST_PATHS)):
        return general
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_active:
        return general
    if user.is_staff or user.has_perm("wagtailadmin.access_admin"):
        return max(general, settings.SPOKE_MAX_ADMIN_REQUEST_BYTES)
    return general


class RequestSizeLimitMiddleware:
    """Refuse (413) a request whose body is over its limit, before Django parses it. Goes
    after ``AuthenticationMiddleware`` (the admin's larger limit depends on who asks)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        declared = request.META.get("CONTENT_LENGTH") or ""
        if declared.strip():
            try:
                length = int(declared)
            except ValueError:
                return HttpResponseBadRequest("Content-Length is not a number.")
            if length < 0:
                return HttpResponseBadRequest("Content-Length is negative.")
            # Only a body over the general limit needs to know who asks.
            if length > settings.SPOKE_MAX_REQUEST_BYTES:
                limit = request_body_limit(request)
                if length > limit:
                    return too_large(request, limit)
        elif _is_chunked(request):
            limit = request_body_limit(request)
            if not _read_chunked(request, limit):
                return too_large(request, limit)
        return self.get_response(request)


def _read_chunked(request, limit: int) -> bool:
    """Read a body sent without a length, up to ``limit``; False when it is longer. The
    body read is given back to Django as a body of known length."""
    stream = getattr(request, "environ", {}).get("wsgi.input")
    if stream is None:  # not WSGI: the server has read the body already
        return True
    spool = tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES)  # noqa: SIM115 (the request's)
    size = 0
    while chunk := stream.read(min(_CHUNK, limit + 1 - size)):
        size += len(chunk)
        if size > limit:
            spool.close()
            return False
        spool.write(chunk)
    spool.seek(0)
    request._stream = LimitedStream(spool, size)
    request.META["CONTENT_LENGTH"] = str(size)
    request._read_started = False
    return True


def too_large(request, limit: int):
    """The 413 page: what was too large and what to do about it."""
    return render(
        request,
        "core/413.html",
        {
            "limit": filesizeformat(limit),
            "is_admin_path": request.path_info.startswith(
                tuple(settings.SPOKE_ADMIN_REQUEST_PATHS)
            ),
        },
        status=HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
    )
