"""The SCIM endpoints at ``/scim/v2/``: token-authenticated only, rate-limited, small bodies.

No session or cookie is ever read here (an identity provider has none, and a browser's would
be ignored), so the views are exempt from CSRF: without a valid ``Authorization: Bearer``
header nothing answers but a 401.
"""

import json
import time
from functools import wraps
from http import HTTPStatus

from django.conf import settings
from django.core.cache import cache
from django.http import JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from core.responses import private_response

from ..models import User
from ..selectors import scim_people
from . import protocol
from .protocol import CORE_USER, ENTERPRISE_USER, ScimError, bad_request
from .services import (
    intent_from_patch,
    intent_from_resource,
    scim_token_authenticate,
    scim_user_create,
    scim_user_delete,
    scim_user_update,
)

FAILED_TOKENS_PER_MINUTE = 20  # per address: guessing tokens gets a 429 quickly


def _response(body: dict | None, status: HTTPStatus = HTTPStatus.OK, **headers) -> JsonResponse:
    if body is None:
        response = JsonResponse({}, status=status)
        response.content = b""
        del response["Content-Type"]
    else:
        response = JsonResponse(body, status=status, content_type=protocol.CONTENT_TYPE)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return private_response(response)


def _window(key: str) -> str:
    return f"scim-rate:{key}:{int(time.time() // 60)}"


def _over_limit(key: str, limit: int) -> bool:
    """Count one request under ``key`` in this minute; True past ``limit``. When the cache
    is down nobody is held back (the token check still stands)."""
    window = _window(key)
    try:
        cache.add(window, 0, 120)
        return cache.incr(window) > limit
    except Exception:
        return False


def _failures(address: str) -> int:
    try:
        return int(cache.get(_window(f"failed:{address}")) or 0)
    except Exception:
        return 0


def scim_endpoint(view):
    """Authenticate the bearer token, apply the limits, and turn :class:`ScimError` into a
    SCIM error body."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        address = request.META.get("REMOTE_ADDR", "")
        try:
            if _failures(address) >= FAILED_TOKENS_PER_MINUTE:
                raise ScimError(HTTPStatus.TOO_MANY_REQUESTS, "Too many failed attempts.")
            token = scim_token_authenticate(header=request.META.get("HTTP_AUTHORIZATION", ""))
            if token is None:
                _over_limit(f"failed:{address}", FAILED_TOKENS_PER_MINUTE)
                raise ScimError(HTTPStatus.UNAUTHORIZED, "A valid bearer token is required.")
            if _over_limit(f"token:{token.pk}", settings.SPOKE_SCIM_REQUESTS_PER_MINUTE):
                raise ScimError(HTTPStatus.TOO_MANY_REQUESTS, "Too many requests; slow down.")
            if len(request.body or b"") > settings.SPOKE_SCIM_MAX_REQUEST_BYTES:
                raise ScimError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "The body is too large.")
            return view(request, token, *args, **kwargs)
        except ScimError as error:
            headers = {}
            if error.status == HTTPStatus.UNAUTHORIZED:
                headers["WWW_Authenticate"] = 'Bearer realm="scim"'
            if error.status == HTTPStatus.TOO_MANY_REQUESTS:
                headers["Retry_After"] = "60"
            return _response(error.body(), error.status, **headers)

    return wrapper


def _json(request) -> object:
    try:
        return json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise bad_request("The body is not valid JSON.", "invalidSyntax") from None


def _base(request) -> str:
    return request.build_absolute_uri(reverse("scim:root"))


def user_resource(person: User, *, base: str) -> dict:
    """A person as a SCIM User with the enterprise extension."""
    enterprise = {}
    if person.unit_id:
        enterprise["department"] = person.unit.name
    if person.manager_id:
        enterprise["manager"] = {
            "value": str(person.manager_id),
            "$ref": f"{base}Users/{person.manager_id}",
            "displayName": person.manager.display_name,
        }
    resource = {
        "schemas": [CORE_USER, ENTERPRISE_USER],
        "id": str(person.pk),
        "userName": person.email,
        "name": {
            "givenName": person.first_name,
            "familyName": person.last_name,
            "formatted": person.get_full_name(),
        },
        "displayName": person.display_name,
        "emails": [{"value": person.email, "type": "work", "primary": True}],
        "active": person.is_active,
        ENTERPRISE_USER: enterprise,
        "meta": {
            "resourceType": "User",
            "created": person.date_joined.isoformat(),
            "location": f"{base}Users/{person.pk}",
        },
    }
    if person.scim_external_id:
        resource["externalId"] = person.scim_external_id
    return resource


def _person(pk: str) -> User:
    person = None
    if pk.isascii() and pk.isdigit() and len(pk) <= 18:
        person = User.objects.select_related("unit", "manager").filter(pk=int(pk)).first()
    if person is None:
        raise ScimError(HTTPStatus.NOT_FOUND, f"No person with id “{pk[:50]}”.")
    return person


def _not_allowed(method: str) -> ScimError:
    return ScimError(HTTPStatus.METHOD_NOT_ALLOWED, f"{method} is not supported here.")


@scim_endpoint
def users(request, token):
    """GET: list and filter people, a page at a time. POST: create a person."""
    base = _base(request)
    if request.method == "GET":
        wanted = protocol.filter_parse(request.GET.get("filter"))
        start, count = protocol.paging_parse(
            request.GET.get("startIndex"), request.GET.get("count")
        )
        people = scim_people(
            attribute=wanted.attribute if wanted else None, value=wanted.value if wanted else ""
        )
        total = people.count()
        page = list(people[start - 1 : start - 1 + count]) if count else []
        resources = [user_resource(person, base=base) for person in page]
        return _response(protocol.list_response(resources, total=total, start=start))
    if request.method == "POST":
        person = scim_user_create(intent=intent_from_resource(_json(request)), token=token)
        person = _person(str(person.pk))
        location = f"{base}Users/{person.pk}"
        return _response(user_resource(person, base=base), HTTPStatus.CREATED, Location=location)
    raise _not_allowed(request.method)


@scim_endpoint
def user(request, token, pk: str):
    """GET, PUT, PATCH and DELETE one person."""
    person = _person(pk)
    base = _base(request)
    if request.method == "GET":
        return _response(user_resource(person, base=base))
    if request.method in ("PUT", "PATCH"):
        body = _json(request)
        intent = intent_from_resource(body) if request.method == "PUT" else intent_from_patch(body)
        scim_user_update(person=person, intent=intent, token=token)
        return _response(user_resource(_person(pk), base=base))
    if request.method == "DELETE":
        scim_user_delete(person=person, token=token)
        return _response(None, HTTPStatus.NO_CONTENT)
    raise _not_allowed(request.method)


def _read_only(request) -> None:
    if request.method != "GET":
        raise _not_allowed(request.method)


@scim_endpoint
def service_provider_config(request, token):
    _read_only(request)
    return _response(protocol.service_provider_config(base=_base(request)))


def _discovery(found: list[dict], key: str, *, missing: str):
    """A discovery endpoint's list, or its one entry whose ``id`` is ``key``."""
    if not key:
        return _response(protocol.list_response(found, total=len(found), start=1))
    for entry in found:
        if entry["id"] == key:
            return _response(entry)
    raise ScimError(HTTPStatus.NOT_FOUND, missing)


@scim_endpoint
def schemas(request, token, urn: str = ""):
    _read_only(request)
    found = protocol.schemas(base=_base(request))
    return _discovery(found, urn, missing="No such schema.")


@scim_endpoint
def resource_types(request, token, name: str = ""):
    _read_only(request)
    found = protocol.resource_types(base=_base(request))
    return _discovery(found, name, missing="No such resource type.")


@scim_endpoint
def not_found(request, token, rest: str = ""):
    """Anything else under /scim/v2/ (Groups included: Spoke does not provision groups)."""
    raise ScimError(HTTPStatus.NOT_FOUND, "Spoke provisions Users only.")
