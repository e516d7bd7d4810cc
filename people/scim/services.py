"""Writes for SCIM provisioning: bearer tokens, and people created, replaced, patched and
switched off by an identity provider.

Every request is parsed in full into an :class:`Intent` before anything is written, so a bad
value anywhere in a body changes nothing. Switching off goes through
:func:`people.services.deactivate_person` like every other way a person leaves, and each
action is written to Wagtail's action log (``spoke.scim.<verb>``) with the token's name.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from http import HTTPStatus
from typing import Any

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail.log_actions import log

from core.personcache import person_changed

from ..models import BusinessUnit, ScimToken, User
from ..selectors import unit_by_name_or_code
from ..services import deactivate_person, reactivate_person
from .protocol import CORE_USER, ENTERPRISE_USER, PATCH_OP, ScimError, bad_request

TOKEN_PREFIX = "spoke_scim_"  # noqa: S105 - a label, not a secret
LAST_USED_EVERY = timedelta(minutes=1)  # how often a token's "last used" is written
NAME_LIMIT = User._meta.get_field("first_name").max_length
EXTERNAL_ID_LIMIT = User._meta.get_field("scim_external_id").max_length
MAX_OPERATIONS = 100
_ENTERPRISE = ENTERPRISE_USER.lower()
# What a PATCH path may look like: an attribute, sub-attribute or value filter, optionally
# behind a schema URN. Paths of this shape that Spoke does not store are accepted and ignored.
_PATH = re.compile(r"^(urn:[a-z0-9:._-]+:)?[a-z][a-z0-9_$-]*(\[[^\]]{1,200}\])?(\.[a-z0-9_$-]+)?$")


# --- Tokens --------------------------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def scim_token_create(*, name: str, by=None) -> tuple[ScimToken, str]:
    """A new token named ``name``; returns the row and the token itself, which is stored
    only as a SHA-256 digest and so can be shown this once."""
    name = " ".join(str(name).split())
    if not name:
        raise ValidationError("A token needs a name.")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ScimToken.objects.create(
            name=name[:120], digest=_digest(secret), prefix=secret[: len(TOKEN_PREFIX) + 1]
        )
        log(instance=token, action="spoke.scim.token_create", user=by, data={"name": token.name})
    return token, secret


def scim_token_revoke(*, token: ScimToken, by) -> bool:
    """Revoke ``token`` from now on; False when it was revoked already."""
    with transaction.atomic():
        revoked = ScimToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if revoked:
            token.refresh_from_db(fields=["revoked_at"])
            log(
                instance=token, action="spoke.scim.token_revoke", user=by, data={"name": token.name}
            )
    return bool(revoked)


def scim_token_authenticate(*, header: str) -> ScimToken | None:
    """The live token an ``Authorization: Bearer …`` header carries, or None. The digest
    is compared in constant time; "last used" is recorded at most once a minute."""
    scheme, _space, secret = (header or "").strip().partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    digest = _digest(secret)
    token = ScimToken.objects.filter(digest=digest).first()
    if token is None or not hmac.compare_digest(token.digest, digest) or not token.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        ScimToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


# --- Reading what a request asks for -------------------------------------------------------


@dataclass
class Intent:
    """The changes one request asks for; only the keys present are changed."""

    values: dict[str, Any] = field(default_factory=dict)

    def set(self, key: str, value: Any) -> None:
        self.values[key] = value


def _text(value: Any, *, name: str, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise bad_request(f"{name} must be a string.")
    value = " ".join(value.split())
    if "\x00" in value:
        raise bad_request(f"{name} contains a NUL character.")
    if len(value) > limit:
        raise bad_request(f"{name} is longer than {limit} characters.")
    return value


def _boolean(value: Any, *, name: str) -> bool:
    """A boolean, or the strings "True" and "False" that Entra ID sends in PATCH."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise bad_request(f"{name} must be true or false.")


def _email(value: Any) -> str:
    email = _text(value, name="userName", limit=User._meta.get_field("email").max_length)
    try:
        validate_email(email)
    except ValidationError:
        raise bad_request(
            f"userName “{email}” is not an e-mail address; map the person's e-mail address "
            "(Entra ID: userPrincipalName or mail) to userName."
        ) from None
    return email.lower()


def _department(value: Any) -> BusinessUnit | None:
    if isinstance(value, dict):  # some providers wrap single values
        value = value.get("value")
    name = _text(value, name="department", limit=200)
    if not name:
        return None
    unit = unit_by_name_or_code(name)
    if unit is None:
        raise bad_request(
            f"department “{name}” matches no business unit in Spoke by name or code. Add the "
            "unit in Spoke (Settings → Business units) or correct the mapping; the person is "
            "not changed until then."
        )
    return unit


def _manager(value: Any) -> User | None:
    if isinstance(value, dict):
        value = value.get("value")
    if value is None or value == "":
        return None
    if not isinstance(value, str | int) or not re.fullmatch(r"\d{1,18}", str(value).strip()):
        raise bad_request("manager must be the SCIM id of a person in Spoke.")
    manager = User.objects.filter(pk=int(str(value).strip())).first()
    if manager is None:
        raise bad_request(f"manager “{value}” is not the SCIM id of a person in Spoke.")
    return manager


def _name(intent: Intent, value: Any) -> None:
    if not isinstance(value, dict):
        raise bad_request("name must be an object with givenName and familyName.")
    if "givenName" in value:
        intent.set("first_name", _text(value["givenName"], name="givenName", limit=NAME_LIMIT))
    if "familyName" in value:
        intent.set("last_name", _text(value["familyName"], name="familyName", limit=NAME_LIMIT))


def _enterprise(intent: Intent, value: Any) -> None:
    if not isinstance(value, dict):
        raise bad_request("The enterprise extension must be an object.")
    if "department" in value:
        intent.set("unit", _department(value["department"]))
    if "manager" in value:
        intent.set("manager", _manager(value["manager"]))


def _require_schema(body: Any, schema: str) -> dict:
    if not isinstance(body, dict):
        raise bad_request("The body must be a JSON object.", "invalidSyntax")
    schemas = body.get("schemas")
    if not isinstance(schemas, list) or schema not in schemas:
        raise bad_request(f"The body's schemas must include {schema}.", "invalidSyntax")
    return body


def intent_from_resource(body: Any) -> Intent:
    """What a full User resource (POST or PUT) sets. Attributes Spoke does not keep (phone
    numbers, titles, passwords, roles, groups…) are ignored; ``userName`` is required."""
    body = _require_schema(body, CORE_USER)
    intent = Intent()
    if "userName" not in body:
        raise bad_request("userName is required.")
    intent.set("email", _email(body["userName"]))
    if "name" in body:
        _name(intent, body["name"])
    if "externalId" in body:
        intent.set(
            "external_id", _text(body["externalId"], name="externalId", limit=EXTERNAL_ID_LIMIT)
        )
    if "active" in body:
        intent.set("active", _boolean(body["active"], name="active"))
    if ENTERPRISE_USER in body:
        _enterprise(intent, body[ENTERPRISE_USER])
    return intent


def _path_value(intent: Intent, path: str, value: Any, *, remove: bool) -> None:
    """Apply one PATCH ``path`` (as Entra ID and Okta write them) with ``value``."""
    key = path.strip().lower()
    if not _PATH.match(key):
        raise bad_request(
            f"“{path[:100]}” is not an attribute path Spoke understands.", "invalidPath"
        )
    if key.startswith(_ENTERPRISE + ":"):
        attribute = key[len(_ENTERPRISE) + 1 :]
        if attribute == "department":
            intent.set("unit", None if remove else _department(value))
        elif attribute in ("manager", "manager.value"):
            intent.set("manager", None if remove else _manager(value))
        return  # other enterprise attributes (employeeNumber, costCenter…) are not kept
    if key.startswith("urn:"):
        if key.startswith(CORE_USER.lower() + ":"):
            key = key[len(CORE_USER) + 1 :]
        else:
            return  # another extension
    if key == "active":
        if remove:
            raise bad_request("active cannot be removed; set it to false.", "mutability")
        intent.set("active", _boolean(value, name="active"))
    elif key == "username":
        if remove:
            raise bad_request("userName cannot be removed.", "mutability")
        intent.set("email", _email(value))
    elif key == "externalid":
        intent.set(
            "external_id",
            "" if remove else _text(value, name="externalId", limit=EXTERNAL_ID_LIMIT),
        )
    elif key == "name":
        if remove:
            intent.set("first_name", "")
            intent.set("last_name", "")
        else:
            _name(intent, value)
    elif key == "name.givenname":
        intent.set("first_name", "" if remove else _text(value, name="givenName", limit=NAME_LIMIT))
    elif key == "name.familyname":
        intent.set("last_name", "" if remove else _text(value, name="familyName", limit=NAME_LIMIT))
    # Anything else (displayName, title, emails, phoneNumbers, addresses…) is not kept.


def intent_from_patch(body: Any) -> Intent:
    """What a PatchOp body asks for: Entra ID's capitalised ``"Replace"``/``"Add"`` with
    paths and string values (``"False"``), Okta's ``replace`` with a ``{"active": false}``
    value and no path, and ``remove``."""
    body = _require_schema(body, PATCH_OP)
    operations = body.get("Operations")
    if not isinstance(operations, list) or not operations:
        raise bad_request("Operations must be a non-empty list.", "invalidSyntax")
    if len(operations) > MAX_OPERATIONS:
        raise bad_request(f"At most {MAX_OPERATIONS} operations per request.", "invalidSyntax")
    intent = Intent()
    for operation in operations:
        if not isinstance(operation, dict):
            raise bad_request("Each operation must be an object.", "invalidSyntax")
        op = operation.get("op")
        if not isinstance(op, str) or op.lower() not in ("add", "replace", "remove"):
            raise bad_request("op must be add, replace or remove.", "invalidSyntax")
        remove = op.lower() == "remove"
        path = operation.get("path")
        value = operation.get("value")
        if path is not None and not isinstance(path, str):
            raise bad_request("path must be a string.", "invalidPath")
        if path:
            _path_value(intent, path, value, remove=remove)
        elif remove:
            raise bad_request("remove needs a path.", "noTarget")
        elif isinstance(value, dict):
            for key, item in value.items():
                if key == ENTERPRISE_USER or key.lower() == _ENTERPRISE:
                    _enterprise(intent, item)
                elif isinstance(key, str) and key != "schemas":
                    _path_value(intent, key, item, remove=False)
        else:
            raise bad_request("An operation without a path needs an object value.", "invalidValue")
    return intent


# --- Writing -------------------------------------------------------------------------------


def _conflict(detail: str) -> ScimError:
    return ScimError(HTTPStatus.CONFLICT, detail, "uniqueness")


def _email_taken(email: str, *, person: User | None) -> bool:
    others = User.objects.filter(email__iexact=email)
    addresses = EmailAddress.objects.filter(email__iexact=email)
    if person is not None and person.pk:
        others = others.exclude(pk=person.pk)
        addresses = addresses.exclude(user_id=person.pk)
    return others.exists() or addresses.exists()


def _superuser_refused() -> ScimError:
    """Superusers are Spoke's break-glass accounts: a provisioning token may not switch
    them off or change the address they sign in and reset passwords with (that would turn
    a stolen token into a site admin's account). Another site admin does it in Spoke."""
    return ScimError(
        HTTPStatus.FORBIDDEN,
        "This person is a site admin (superuser) in Spoke: their userName and active state "
        "are changed in Spoke, not by provisioning.",
    )


def _check_manager(person: User, manager: User | None) -> None:
    if manager is None:
        return
    boss, seen = manager, set()
    while boss is not None:
        if boss.pk == person.pk or boss.pk in seen:
            raise bad_request("A person cannot manage themselves, even through others.")
        seen.add(boss.pk)
        boss = boss.manager


def _reason(token: ScimToken, what: str) -> str:
    return f"{what} by the identity provider (token “{token.name}”)"


def _apply(person: User, intent: Intent) -> list[str]:
    """Set the intent's fields on ``person``; returns the names of the fields that changed."""
    fields = {
        "email": "email",
        "first_name": "first_name",
        "last_name": "last_name",
        "external_id": "scim_external_id",
        "unit": "unit",
        "manager": "manager",
    }
    changed = []
    for key, attribute in fields.items():
        if key not in intent.values:
            continue
        value = intent.values[key]
        if getattr(person, attribute) != value:
            setattr(person, attribute, value)
            changed.append(attribute)
    return changed


def _switch(person: User, intent: Intent, *, token: ScimToken, what: str) -> str:
    """Deactivate or reactivate as ``active`` asks; the log verb, or "" for no change."""
    active = intent.values.get("active")
    if active is False and deactivate_person(person, reason=_reason(token, what), by=None):
        return "deactivate"
    if active is True and reactivate_person(person, by=None):
        return "reactivate"
    return ""


def _log(person: User, verb: str, *, token: ScimToken, **data: Any) -> None:
    log(instance=person, action=f"spoke.scim.{verb}", user=None, data={"token": token.name, **data})


def scim_user_create(*, intent: Intent, token: ScimToken) -> User:
    """A new person from a POST; 409 when the e-mail address is someone's already (the
    identity provider then finds them with a filter and updates them instead)."""
    email = intent.values["email"]
    with transaction.atomic():
        if _email_taken(email, person=None):
            raise _conflict(f"A person with userName “{email}” exists already.")
        person = User(email=email, is_active=True)
        _apply(person, intent)
        person.set_unusable_password()
        try:
            with transaction.atomic():
                person.save()
        except IntegrityError:  # the same address, created by a request at the same time
            raise _conflict(f"A person with userName “{email}” exists already.") from None
        # The address comes from the company's directory, as with the staff import.
        EmailAddress.objects.create(user=person, email=email, verified=True, primary=True)
        _log(person, "create", token=token, fields=sorted(intent.values))
        if intent.values.get("active") is False:
            _switch(person, intent, token=token, what="created inactive")
            _log(person, "deactivate", token=token)
    return person


def scim_user_update(*, person: User, intent: Intent, token: ScimToken) -> User:
    """Apply a PUT or PATCH to ``person``: fields first, then ``active``."""
    with transaction.atomic():
        person = (
            User.objects.select_for_update(of=("self",))
            .select_related("unit", "manager")
            .get(pk=person.pk)
        )
        email = intent.values.get("email")
        if email and email != person.email and _email_taken(email, person=person):
            raise _conflict(f"Another person has userName “{email}”.")
        old_email = person.email
        changed = _apply(person, intent)
        if person.is_superuser and ("email" in changed or intent.values.get("active") is False):
            raise _superuser_refused()
        if "manager" in changed:
            _check_manager(person, person.manager)
        if changed:
            try:
                with transaction.atomic():
                    person.save(update_fields=changed)
            except IntegrityError:
                raise _conflict(f"Another person has userName “{email}”.") from None
            _log(person, "update", token=token, fields=changed)
        if "email" in changed:
            updated = EmailAddress.objects.filter(user=person, email__iexact=old_email).update(
                email=person.email, verified=True
            )
            person_changed(person.pk)
            if not updated:
                EmailAddress.objects.create(
                    user=person, email=person.email, verified=True, primary=True
                )
        verb = _switch(person, intent, token=token, what="set inactive")
        if verb:
            _log(person, verb, token=token)
    return person


def scim_user_delete(*, person: User, token: ScimToken) -> None:
    """A DELETE switches the person off (nothing is erased: their history stays)."""
    if person.is_superuser:
        raise _superuser_refused()
    with transaction.atomic():
        if deactivate_person(person, reason=_reason(token, "deleted"), by=None):
            _log(person, "deactivate", token=token, request="DELETE")
