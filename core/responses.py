"""Responses about people: never kept by a shared cache, private files streamed to the
people a view has already let through, and the one check of a ``next`` address."""

from django.http import FileResponse, Http404
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme


def private_response(response):
    """``response``, marked for the browser alone and never stored (pages about people)."""
    patch_cache_control(response, private=True, no_store=True)
    return response


def private_file_response(
    field_file,
    *,
    content_type: str,
    filename: str,
    as_attachment: bool,
    not_found: str,
    sandbox: str = "",
) -> FileResponse:
    """Stream a file of the private storage (a ``FieldFile``) to someone the caller has
    already checked may see it: never cached, its type never sniffed, a 404 saying
    ``not_found`` when the file is gone. ``sandbox``, when given, is the
    Content-Security-Policy the file is opened under on its own (and it is then kept to
    this site)."""
    try:
        handle = field_file.open("rb")
    except OSError:  # FileNotFoundError included
        raise Http404(not_found) from None
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment, filename)
    response["X-Content-Type-Options"] = "nosniff"
    private_response(response)
    if sandbox:
        response["Content-Security-Policy"] = sandbox
        response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


MAX_NEXT_LENGTH = 2000


def safe_next(request, default: str = "") -> str:
    """The ``next`` address (posted, else in the query) when it stays on this site and is
    of a sane length, else ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if (
        target
        and len(target) <= MAX_NEXT_LENGTH
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return default
