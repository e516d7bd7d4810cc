"""Serving the public part of the uploads (``MEDIA_ROOT``) from the app itself.

Only the folders in ``SPOKE_PUBLIC_MEDIA_FOLDERS`` are served: Wagtail's renditions
(``images/``, what pages show) and the admin's avatars. Never the originals
(``original_images/``: full size, with whatever metadata the camera wrote) and never
``documents/``: documents go through Wagtail's view, which checks who asks. Learners'
screenshots are not in ``MEDIA_ROOT`` at all.

The path is checked before the storage sees it (no ``..``, no absolute path, no
backslash, no empty or dot segment) and, on disk, resolved again so that a link cannot
lead out of ``MEDIA_ROOT``. Only pictures are served, with ``nosniff``, a sandboxing
Content-Security-Policy, ``Last-Modified`` and a cache lifetime of
``SPOKE_MEDIA_CACHE_SECONDS``.
"""

import mimetypes
import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponseNotModified
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django.views.static import was_modified_since


def media_name(path: str) -> str | None:
    """``path`` as a storage name inside a public media folder, or None when it is not
    one (climbing out, absolute, odd characters, another folder)."""
    if not path or path.startswith("/") or any(char in path for char in "\\\x00%:"):
        return None
    parts = path.split("/")
    if len(parts) < 2 or any(part in ("", ".", "..") for part in parts):
        return None
    if parts[0] not in settings.SPOKE_PUBLIC_MEDIA_FOLDERS:
        return None
    return "/".join(parts)


def _inside_media_root(name: str) -> bool:
    """On disk, the file really is under the storage's folder (MEDIA_ROOT) once links
    are followed."""
    try:
        local = default_storage.path(name)
    except NotImplementedError:  # not a local storage: its names are all it has
        return True
    root = os.path.realpath(default_storage.location)
    return Path(os.path.realpath(local)).is_relative_to(root)


@require_safe
def media_file(request, path: str):
    """One public upload (a rendition or an avatar), or a 404."""
    name = media_name(path)
    content_type, encoding = mimetypes.guess_type(name or "")
    if name is None or encoding or not (content_type or "").startswith("image/"):
        raise Http404(_("No such file."))
    if not _inside_media_root(name):
        raise Http404(_("No such file."))
    try:
        modified = default_storage.get_modified_time(name).timestamp()
        handle = default_storage.open(name, "rb")
    except (OSError, NotImplementedError, ValueError):
        raise Http404(_("No such file.")) from None
    if not was_modified_since(request.META.get("HTTP_IF_MODIFIED_SINCE"), modified):
        handle.close()
        return HttpResponseNotModified()
    response = FileResponse(handle, content_type=content_type)
    response["Last-Modified"] = http_date(modified)
    response["Cache-Control"] = f"public, max-age={settings.SPOKE_MEDIA_CACHE_SECONDS}"
    response["X-Content-Type-Options"] = "nosniff"
    # Opened on its own (an SVG, say), a file runs nothing and is framed by nobody.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
