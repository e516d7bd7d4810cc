"""Writes about people signing in through single sign-on: created just in time, kept in step.

Every change is written to Wagtail's action log (``spoke.sso.*``, registered in
``wagtail_hooks``), so the admin's history shows who came in by SSO and what the identity
provider changed. A department that matches no business unit is never dropped silently:
it is logged against the person and site admins get one e-mail per unknown value.
"""

import hashlib
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from wagtail.log_actions import log

from core.events import event_announce
from core.tasks import notify_after_commit

from ..events import UNIT_OR_ACTIVE_CHANGED
from ..models import BusinessUnit, User
from .claims import SsoProfile

PERSON_CREATED = "spoke.sso.person_created"
PERSON_UPDATED = "spoke.sso.person_updated"
DEPARTMENT_UNKNOWN = "spoke.sso.department_unknown"
MANAGER_UNKNOWN = "spoke.sso.manager_unknown"
SIGN_IN_REFUSED = "spoke.sso.sign_in_refused"
ACTIONS = (PERSON_CREATED, PERSON_UPDATED, DEPARTMENT_UNKNOWN, MANAGER_UNKNOWN, SIGN_IN_REFUSED)


@dataclass
class SsoSyncResult:
    """What one sign-in changed: ``{field: [before, after]}``, and what it could not use."""

    changes: dict[str, list] = field(default_factory=dict)
    unknown_department: str | None = None
    unknown_manager: str | None = None


def unit_for_department(value: str) -> BusinessUnit | None:
    """The unit whose name, or else whose code (slug), is ``value``, ignoring case."""
    value = value.strip()
    units = list(BusinessUnit.objects.filter(Q(name__iexact=value) | Q(slug__iexact=value)))
    by_name = [unit for unit in units if unit.name.casefold() == value.casefold()]
    return (by_name or units or [None])[0]


def _manages_indirectly(manager: User, person: User) -> bool:
    """Whether ``person`` is ``manager`` or above them in the chain (a cycle if linked)."""
    current, seen = manager, set()
    while current is not None and current.pk not in seen:
        if current.pk == person.pk:
            return True
        seen.add(current.pk)
        current = current.manager
    return False


def person_sso_sync(
    *, user: User, profile: SsoProfile, provider: str, created: bool
) -> SsoSyncResult:
    """Bring ``user`` in step with what the identity provider sent, and log it.

    Only what the provider sent is applied: a missing claim leaves the field as it is. A
    department must match a business unit by name or code; an unknown one leaves the unit
    as it was and is reported (:data:`DEPARTMENT_UNKNOWN`). A manager must already be in
    Spoke (by e-mail) and must not make a circle. A move to another unit is announced
    (:data:`~people.events.UNIT_OR_ACTIVE_CHANGED`) like an edit in the admin.
    """
    result = SsoSyncResult()
    with transaction.atomic():
        updates: dict[str, object] = {}
        for name in ("first_name", "last_name"):
            value = getattr(profile, name)
            if value and value != getattr(user, name):
                result.changes[name] = [getattr(user, name), value]
                updates[name] = value

        if profile.department:
            unit = unit_for_department(profile.department)
            if unit is None:
                result.unknown_department = profile.department
            elif unit.pk != user.unit_id:
                result.changes["unit"] = [str(user.unit) if user.unit else "", unit.name]
                updates["unit"] = unit

        if profile.manager_email and profile.manager_email != user.email:
            manager = (
                User.objects.select_related("manager")
                .filter(email__iexact=profile.manager_email)
                .first()
            )
            if manager is None:
                result.unknown_manager = profile.manager_email
            elif manager.pk != user.manager_id and not _manages_indirectly(manager, user):
                before = user.manager.email if user.manager_id else ""
                result.changes["manager"] = [before, manager.email]
                updates["manager"] = manager

        unit_moved = "unit" in updates and not created
        for name, value in updates.items():
            setattr(user, name, value)
        if updates:
            user.save(update_fields=list(updates))
        if unit_moved:
            event_announce(
                UNIT_OR_ACTIVE_CHANGED,
                user_id=user.pk,
                unit_id=user.unit_id,
                is_active=user.is_active,
            )

        data = {"provider": provider, "changes": result.changes}
        if created:
            log(instance=user, action=PERSON_CREATED, user=user, data=data)
        elif result.changes:
            log(instance=user, action=PERSON_UPDATED, user=user, data=data)
        if result.unknown_department:
            _report_unknown_department(user=user, provider=provider, value=profile.department)
        if result.unknown_manager:
            log(
                instance=user,
                action=MANAGER_UNKNOWN,
                user=user,
                data={"provider": provider, "manager_email": result.unknown_manager},
            )
    return result


def _report_unknown_department(*, user: User, provider: str, value: str) -> None:
    """Log the value against the person; e-mail each site admin once per value."""
    log(
        instance=user,
        action=DEPARTMENT_UNKNOWN,
        user=user,
        data={"provider": provider, "department": value},
    )
    digest = hashlib.sha256(f"{provider}\x00{value.casefold()}".encode()).hexdigest()[:32]
    admins = User.objects.filter(is_superuser=True, is_active=True).values_list("pk", flat=True)
    for admin_id in admins:
        notify_after_commit(
            user_id=admin_id,
            key=f"sso-department-unknown:{digest}",
            template="people_sso/email/department_unknown",
            context={
                "department": value,
                "provider": provider,
                "person_email": user.email,
            },
        )


def sso_sign_in_refused(*, user: User | None, provider: str, email: str, reason: str) -> None:
    """Log a refused sign-in against the person it named, when Spoke knows them."""
    if user is None or user.pk is None:
        return
    log(
        instance=user,
        action=SIGN_IN_REFUSED,
        user=None,
        data={"provider": provider, "email": email, "reason": reason},
    )
