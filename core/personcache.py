"""A signed-in person's pages, kept until something they show changes.

A learner's lesson, course page and dashboard are made of two things: content every
person sees alike (covered by the content stamp, :mod:`core.pagecache`) and rows about
the person (their progress, answers, places in cohorts, work, roster standing, groups).
The second has a stamp of its own, a **person stamp**: a token in a column of the
person's own row (``PERSON_STAMP_FIELD`` on the user model), so it arrives with the
person that authentication loads anyway, at no extra query, and it is read from the
database, never from a cache that may be stale or down.

The person stamp changes, in the writer's transaction, whenever a row about the person is
saved or deleted:

- every model of Spoke's apps (``settings.SPOKE_APPS``) with a foreign key to the user
  model, found when the apps are ready (no list to keep up to date): a saved completion,
  answer, enrolment, submission, membership or credential changes the stamp of each
  person it points to;
- models that reach the person through another row (a review of someone's submission)
  say how with :func:`stamp_person_via` in their app's ``ready()``;
- the person's own row (their unit, time zone, name) and their groups (their roles);
- writes that bypass signals (``QuerySet.update``, ``bulk_create``) call
  :func:`person_changed` themselves;

and ``tests/core/test_person_stamp_coverage.py`` fails for a model that is in none of
those lists and is not declared as never shown on a person's own pages.

A page opts in with :func:`cache_for_person` when everything it shows is the person's own
rows and stamped content; :class:`PersonPageCacheMiddleware` then keeps the finished
response under (content stamp, person, person stamp, session, language, time zone,
address) and replays it while all of those are unchanged and the time the page named as
its next change (a lesson opening, say) has not come. A page showing other people's rows
(a manager's team, a trainer's queue) or made for someone who can edit pages never opts
in. See docs/performance.md.
"""

from __future__ import annotations

import hashlib
import logging
import re
import uuid
import zlib
from datetime import datetime

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.middleware.csrf import get_token
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control

from .pagecache import _MISSING, _cache_get, _cache_set, _replay, content_changed, content_stamp

logger = logging.getLogger(__name__)

PERSON_STAMP_FIELD = "page_stamp"
# More people than this changed at once: the content stamp changes instead (see
# person_changed).
MANY_PEOPLE = 100
# A kept page is replayed this long at most: what it says about the time ("due
# tomorrow", "overdue") is at most this late. Moments a page names are kept exactly.
PERSON_PAGE_TIMEOUT = 60
PERSON_CACHEABLE_ATTR = "spoke_person_cacheable"
# Django's hidden CSRF field, as {% csrf_token %} writes it, and what stands in for the
# token in a kept page.
_TOKEN_INPUT = re.compile(rb'(<input type="hidden" name="csrfmiddlewaretoken" value=")[^"]*(")')
_TOKEN_HOLE = b"spoke-csrf-token-goes-here"
PERSON_VALID_UNTIL_ATTR = "spoke_person_valid_until"

# Models whose rows reach a person through another row: label -> callables giving user ids.
_VIA: dict[str, list] = {}
# Automatic many-to-many tables of watched models.
_WATCHED_LINKS: set[str] = set()
# Models with a key to a person that are never shown on a kept page (never_on_kept_pages).
_UNWATCHED: set[str] = set()


def new_person_stamp() -> str:
    return uuid.uuid4().hex


# --- The stamp ------------------------------------------------------------------------------


def person_changed(*user_ids) -> str | None:
    """Something shown on these people's own pages changed: their kept pages are misses.
    Returns the new stamp (None when no one was named, or many were).

    A write about many people at once (a policy version lapsing the whole roster, the end
    of a large cohort) changes the content stamp instead: one row, not hundreds, and every
    kept page is a miss, theirs included.
    """
    ids = {pk for pk in user_ids if pk is not None}
    if not ids:
        return None
    if len(ids) > MANY_PEOPLE:
        content_changed()
        return None
    token = new_person_stamp()
    get_user_model().objects.filter(pk__in=ids).update(**{PERSON_STAMP_FIELD: token})
    return token


def _ours(model) -> bool:
    """A model of Spoke's apps (others' rows with a key to a person, such as Wagtail's
    revisions or allauth's e-mail addresses, are never shown on a kept page)."""
    return model._meta.app_config.name in settings.SPOKE_APPS


def _user_fk_attnames(model) -> list[str]:
    user_model = get_user_model()
    return [
        field.attname
        for field in model._meta.concrete_fields
        if isinstance(field, models.ForeignKey)
        and field.remote_field.model is user_model
        and model is not user_model
    ]


def _ids_of(instance) -> set:
    model = type(instance)
    ids = {getattr(instance, name) for name in _user_fk_attnames(model)}
    for reach in _VIA.get(model._meta.label_lower, ()):
        try:
            ids.update(reach(instance))
        except Exception:  # the row it goes through is already gone (a cascade)
            logger.debug("No person reached from %s", instance, exc_info=True)
    return ids


def _on_row_change(sender, instance=None, raw=False, **_kwargs) -> None:
    if raw:  # loading fixtures
        return
    person_changed(*_ids_of(instance))


# Written without changing anything a kept page shows (signing in writes last_login).
NOT_SHOWN_USER_FIELDS = {"last_login"}


def _on_user_save(sender, instance=None, created=False, raw=False, update_fields=None, **_kw):
    if created or raw:  # a new row has a new stamp already
        return
    if update_fields and set(update_fields) <= NOT_SHOWN_USER_FIELDS:
        return
    # The instance holds the new stamp too: saving it again must not write the old one.
    setattr(instance, PERSON_STAMP_FIELD, person_changed(instance.pk))


def _on_groups_change(sender, instance=None, action="", reverse=False, pk_set=None, **_kw):
    """The person's groups or permissions changed (``user.groups.add``), or a group's
    people did (``group.user_set.add``)."""
    if reverse and action == "pre_clear":  # group.user_set.clear(): who is in it now
        instance._personcache_cleared = list(instance.user_set.values_list("pk", flat=True))
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:  # user.groups.add(...)
        person_changed(instance.pk)
    elif action == "post_clear":
        person_changed(*getattr(instance, "_personcache_cleared", ()))
    else:  # group.user_set.add(...)
        person_changed(*(pk_set or ()))


def stamp_person_via(model, *paths: str) -> None:
    """Change the stamp of the people that ``model``'s rows reach through other rows, each
    ``path`` a lookup from the row to a user id (``"submission__user_id"``). For an app's
    ``ready()``; models with their own foreign key to the user need nothing."""
    reaches = _VIA.setdefault(model._meta.label_lower, [])
    for path in paths:
        steps = tuple(path.split("__"))

        def reach(instance, steps=steps):
            # Walked on the instance, so a deleted row still reaches its person.
            value = instance
            for step in steps:
                value = getattr(value, step)
            return [value]

        reaches.append(reach)
    _connect(model)


def _on_links_change(sender, instance=None, action="", reverse=False, model=None, pk_set=None, **_):
    """A many-to-many field of a watched row changed (the platforms of a membership, the
    criteria a review met): the people the row reaches."""
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    rows = [instance] if not reverse else list(model._base_manager.filter(pk__in=pk_set or ()))
    ids = set()
    for row in rows:
        ids |= _ids_of(row)
    person_changed(*ids)


def _connect(model) -> None:
    uid = f"core_personcache_{model._meta.label_lower}"
    post_save.connect(_on_row_change, sender=model, dispatch_uid=f"{uid}_save")
    post_delete.connect(_on_row_change, sender=model, dispatch_uid=f"{uid}_delete")
    for field in model._meta.local_many_to_many:
        through = field.remote_field.through
        if through._meta.auto_created:
            _WATCHED_LINKS.add(through._meta.label_lower)
            m2m_changed.connect(
                _on_links_change, sender=through, dispatch_uid=f"{uid}_{field.name}"
            )


def never_on_kept_pages(*models) -> None:
    """Stop watching ``models``: rows with a key to a person that no kept page shows and
    that are written often (an export's progress, the log of messages sent). For an app's
    ``ready()``, with a comment saying why."""
    for model in models:
        label = model._meta.label_lower
        _UNWATCHED.add(label)
        uid = f"core_personcache_{label}"
        post_save.disconnect(sender=model, dispatch_uid=f"{uid}_save")
        post_delete.disconnect(sender=model, dispatch_uid=f"{uid}_delete")


def unwatched_models() -> set[str]:
    return set(_UNWATCHED)


def connect_person_stamp() -> None:
    """Watch every model with a foreign key to the user model, the user model itself and
    its groups (from ``core``'s ``ready()``, when every model is known)."""
    user_model = get_user_model()
    for model in apps.get_models():
        if _ours(model) and _user_fk_attnames(model):
            _connect(model)
    post_save.connect(_on_user_save, sender=user_model, dispatch_uid="core_personcache_user")
    for name in ("groups", "user_permissions"):  # their roles, and what they may do
        links = user_model._meta.get_field(name).remote_field.through
        _WATCHED_LINKS.add(links._meta.label_lower)
        m2m_changed.connect(_on_groups_change, sender=links, dispatch_uid=f"core_person_{name}")


def watched_models() -> set[str]:
    """Labels of the models whose writes change a person stamp (for the coverage test)."""
    user_model = get_user_model()
    found = {m._meta.label_lower for m in apps.get_models() if _ours(m) and _user_fk_attnames(m)}
    return (found | set(_VIA) | _WATCHED_LINKS | {user_model._meta.label_lower}) - _UNWATCHED


# --- Pages kept per person ------------------------------------------------------------------


def cache_for_person(request, response, *, valid_until: datetime | None = None):
    """Let :class:`PersonPageCacheMiddleware` keep ``response`` for the person who asked.

    Only for a page that shows nothing but the person's own rows (stamped by the person
    stamp) and stamped content. ``valid_until`` is the next moment the page changes by
    itself (a lesson opens, a due date passes); the page is kept until then and never
    longer than ``PERSON_PAGE_TIMEOUT`` seconds, so words such as "due tomorrow" are at
    most that late. Several calls keep the earliest moment.
    """
    patch_cache_control(response, private=True)  # the person's own: no shared cache keeps it
    setattr(response, PERSON_CACHEABLE_ATTR, True)
    if valid_until is not None:
        earlier = getattr(response, PERSON_VALID_UNTIL_ATTR, None)
        if earlier is None or valid_until < earlier:
            setattr(response, PERSON_VALID_UNTIL_ATTR, valid_until)
    return response


def _has_messages(request) -> bool:
    storage = getattr(request, "_messages", None)
    # Reads the waiting messages without marking them shown.
    return bool(storage is not None and storage._loaded_messages)


def _person_key(request) -> str | None:
    if request.method != "GET" or request.META.get("QUERY_STRING"):
        return None
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    stamp = getattr(user, PERSON_STAMP_FIELD, None)
    content = content_stamp()
    session_key = request.session.session_key
    if not stamp or content is None or not session_key or _has_messages(request):
        return None
    # Kept per session: a new sign-in (or another browser) starts from its own pages.
    session = hashlib.sha256(session_key.encode()).hexdigest()[:32]
    scheme = "https" if request.is_secure() else "http"
    return ":".join(
        [
            "spoke:person-page",
            content,
            str(user.pk),
            stamp,
            session,
            translation.get_language() or "",
            timezone.get_current_timezone_name(),
            scheme,
            request._get_raw_host(),
            request.path,
        ]
    )


def _timeout(response) -> int | None:
    valid_until = getattr(response, PERSON_VALID_UNTIL_ATTR, None)
    if valid_until is None:
        return PERSON_PAGE_TIMEOUT
    seconds = int((valid_until - timezone.now()).total_seconds())
    return min(seconds, PERSON_PAGE_TIMEOUT) if seconds > 0 else None


def _storable(request, response) -> bool:
    if not getattr(response, PERSON_CACHEABLE_ATTR, False):
        return False
    return response.status_code == 200 and not response.streaming and not response.cookies


def _without_tokens(content: bytes) -> bytes:
    """The page with each form's CSRF token taken out: a kept page never holds one."""
    return _TOKEN_INPUT.sub(rb"\1" + _TOKEN_HOLE + rb"\2", content)


def _with_token(request, content: bytes) -> bytes:
    """The kept page with this request's own CSRF token in each form (``get_token`` also
    has the cookie renewed, as rendering the page would)."""
    if _TOKEN_HOLE not in content:
        return content
    return content.replace(_TOKEN_HOLE, get_token(request).encode())


def _unpack(entry):
    """A kept page as (status, headers, content), or None for a miss (nothing kept, or
    something that is not what this module keeps: garbage is a miss, never a 500)."""
    if entry is _MISSING or entry is None:
        return None
    try:
        status, headers, packed = entry
        return status, headers, zlib.decompress(packed)
    except (TypeError, ValueError, zlib.error):
        logger.warning("A kept page could not be read; making it instead")
        return None


class PersonPageCacheMiddleware:
    """Serve a signed-in person's page from the cache when a page marked it with
    :func:`cache_for_person` and neither the content, nor the person's rows, nor their
    session changed since. Sits last, after authentication, two-factor enforcement and
    every other check that may turn the request away, so a hit skips only the view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = _person_key(request)
        if key is not None:
            kept = _unpack(_cache_get(key))
            if kept is not None:
                status, headers, content = kept
                return _replay((status, headers, _with_token(request, content)))
        response = self.get_response(request)
        if key is not None and _storable(request, response):
            timeout = _timeout(response)
            if timeout:
                # The key was taken before the page ran: a write while it ran changed
                # the stamp, so what is kept under the old one is never read again.
                # A fifth of the size: a minute of every active learner's pages fits.
                content = zlib.compress(_without_tokens(response.content), 1)
                # Its length changes with the token put back in: written again on replay.
                headers = [(k, v) for k, v in response.items() if k.lower() != "content-length"]
                _cache_set(key, (response.status_code, headers, content), timeout)
        return response
