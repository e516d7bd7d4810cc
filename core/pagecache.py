"""Caches of what every visitor sees alike, that are never stale and never leak.

Two tools, both keyed on one **content stamp** (a token in ``core.ContentStamp``, a row of
the database every process shares):

- :func:`stamped` keeps a value computed from shared content (a page route, a course
  outline, a cohort's schedule, the site settings) until the stamp changes;
- :class:`VisitorPageCacheMiddleware` keeps whole pages for visitors (nobody signed in,
  no message waiting) that a page marked with :func:`cache_for_visitors`.

The stamp changes (:func:`content_changed`) whenever a row that such content is made of is
written: apps list those models with :func:`stamp_on_change` in their ``AppConfig.ready``
(pages, view restrictions, sites and settings in ``cms``; competencies; cohorts and
sessions), and a migration changes it too. A new stamp turns every cached value into a
miss at once in every process, because the stamp is read from the database, once per
request, and never from the cache: the local-memory cache of several processes and a
Redis that is down (``core.cache.FailSoftRedisCache`` then serves from each process's
memory) both stay correct, only colder.

What depends on a person (progress, check results, which lessons are open to them, who is
signed in) is never stored here: it is read for each request that makes a page (a
person's own pages are kept for them under their person stamp, ``core.personcache``).
What depends on the time is computed from the cached schedule and the current time at
each request (a lesson opens at its time), or cached with a time-out that ends at the
next moment it changes.

See docs/performance.md.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils.cache import get_max_age

logger = logging.getLogger(__name__)

T = TypeVar("T")

STAMP_ID = 1
# Keyed values are dead once the stamp changes; this only bounds how long a dead one lingers.
STAMPED_TIMEOUT = 60 * 60 * 24
VISITOR_PAGE_TIMEOUT = 60 * 10
HIT_HEADER = "X-Spoke-Cache"
_MISSING = object()

# The stamp of the request being served, read once per request (None outside a request:
# a worker task then reads the database each time it asks).
_request_memo: ContextVar[dict | None] = ContextVar("spoke_content_stamp", default=None)


# --- The stamp ------------------------------------------------------------------------------


def request_started(**_kwargs) -> None:
    _request_memo.set({})


def request_finished(**_kwargs) -> None:
    _request_memo.set(None)


def _read_stamp() -> str | None:
    from .models import ContentStamp

    table = connection.ops.quote_name(ContentStamp._meta.db_table)
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT token FROM {table} WHERE id = %s", [STAMP_ID])  # noqa: S608
            row = cursor.fetchone()
    except DatabaseError:  # not migrated yet: nothing is cached
        logger.warning("The content stamp cannot be read; caching of pages is off")
        return None
    return row[0] if row else None


def content_stamp() -> str | None:
    """The current content stamp (None when there is none: then nothing is cached)."""
    memo = _request_memo.get()
    if memo is None:
        return _read_stamp()
    if "token" not in memo:
        memo["token"] = _read_stamp()
    return memo["token"]


def content_changed(**_kwargs) -> None:
    """Something every visitor sees alike changed: forget every stamped value and page.

    Runs in the writer's transaction, so the new stamp and the new content become
    visible to other requests together.
    """
    from .models import ContentStamp

    token = uuid.uuid4().hex
    if not ContentStamp.objects.filter(pk=STAMP_ID).update(token=token):
        ContentStamp.objects.update_or_create(pk=STAMP_ID, defaults={"token": token})
    memo = _request_memo.get()
    if memo is not None:
        memo["token"] = token


def _changed_on_save(sender, instance=None, raw=False, **_kwargs) -> None:
    content_changed()


def _changed_on_m2m(sender, action="", **_kwargs) -> None:
    if action in {"post_add", "post_remove", "post_clear"}:
        content_changed()


# Labels of the models whose writes change the content stamp (for the coverage tests).
STAMPED_MODELS: set[str] = set()


def stamp_on_change(*models) -> None:
    """Change the stamp whenever a row of one of ``models`` is saved or deleted (an
    automatic many-to-many table: when its links change). For an app's ``ready()``."""
    for model in models:
        STAMPED_MODELS.add(model._meta.label_lower)
        uid = f"core_pagecache_{model._meta.label_lower}"
        if model._meta.auto_created:
            m2m_changed.connect(_changed_on_m2m, sender=model, dispatch_uid=uid)
            continue
        post_save.connect(_changed_on_save, sender=model, dispatch_uid=f"{uid}_save")
        post_delete.connect(_changed_on_save, sender=model, dispatch_uid=f"{uid}_delete")


# --- Stamped values -------------------------------------------------------------------------


def _cache_get(key: str) -> Any:
    try:
        return cache.get(key, _MISSING)
    except Exception:  # a cache that fails or answers garbage is a miss, never a 500
        logger.warning("Cache read failed for %s; computing instead", key, exc_info=True)
        return _MISSING


def _cache_set(key: str, value: Any, timeout: int) -> None:
    try:
        cache.set(key, value, timeout)
    except Exception:
        logger.warning("Cache write failed for %s", key, exc_info=True)


def stamped(
    key: str,
    compute: Callable[[], T],
    *,
    timeout: int = STAMPED_TIMEOUT,
    keep: Callable[[T], bool] | None = None,
) -> T:
    """``compute()``, kept in the cache under ``key`` until the content stamp changes.

    Only for values every person sees alike and that change only when a stamped model
    is written (see :func:`stamp_on_change`). Values are pickled: each caller gets its own
    copy to change at will. ``keep``, when given, says whether a computed value is worth
    keeping (not a "not found" for an address anyone can make up, say).
    """
    stamp = content_stamp()
    if stamp is None:
        return compute()
    full_key = f"spoke:stamped:{stamp}:{key}"
    value = _cache_get(full_key)
    if value is _MISSING:
        value = compute()
        if keep is None or keep(value):
            _cache_set(full_key, value, timeout)
    return value


# --- Whole pages for visitors ---------------------------------------------------------------

VISITOR_CACHEABLE_ATTR = "spoke_visitor_cacheable"


def cache_for_visitors(request, response):
    """Let :class:`VisitorPageCacheMiddleware` keep ``response`` for other visitors.

    Only when nobody is signed in: a signed-in person's page is never kept. The page must
    show visitors nothing that depends on the person or on the time (a visitor's page
    depends only on the stamped content).
    """
    user = getattr(request, "user", None)
    if user is not None and not user.is_authenticated:
        setattr(response, VISITOR_CACHEABLE_ATTR, True)
    return response


def _visitor_key(request) -> str | None:
    """The cache key of a visitor's GET, or None when the request may not be served
    from the cache (signed in or possibly signed in, a message waiting, a query string)."""
    if request.method != "GET" or request.META.get("QUERY_STRING"):
        return None
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies:
        return None
    if "HTTP_AUTHORIZATION" in request.META:
        return None
    stamp = content_stamp()
    if stamp is None:
        return None
    scheme = "https" if request.is_secure() else "http"
    return f"spoke:visitor-page:{stamp}:{scheme}:{request._get_raw_host()}:{request.path}"


def _storable(request, response) -> bool:
    if not getattr(response, VISITOR_CACHEABLE_ATTR, False):
        return False
    # A page holding a CSRF token holds a secret of this visitor's: never for another.
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or request.META.get("CSRF_COOKIE_USED"):
        return False
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in ("private", "no-store", "no-cache")):
        return False
    return get_max_age(response) != 0


class VisitorPageCacheMiddleware:
    """Serve visitors' pages that a page marked :func:`cache_for_visitors` from the cache.

    Sits right after ``SecurityMiddleware`` and WhiteNoise: a hit skips sessions,
    authentication and the page itself, and replays the headers the rest of the stack
    wrote when the page was made (Content-Security-Policy, ``Vary: Cookie`` and the
    others); ``SecurityMiddleware`` adds its own to every response as usual. A request
    with a session cookie or a message cookie is never served from here, so a signed-in
    person never sees a visitor's page and nobody sees another person's.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = _visitor_key(request)
        if key is not None:
            entry = _cache_get(key)
            if entry is not _MISSING and entry is not None:
                return _replay(entry)
        response = self.get_response(request)
        if key is not None and _storable(request, response):
            _cache_set(
                key,
                (response.status_code, list(response.items()), response.content),
                VISITOR_PAGE_TIMEOUT,
            )
        return response


def _replay(entry) -> HttpResponse:
    status, headers, content = entry
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    response[HIT_HEADER] = "hit"
    return response
