"""The audit trail of people (see ``core.audit``): changes to a person's groups, role, unit,
manager and access, their erasure, and every download of a list of people.

Groups and the fields below change in many places: the Wagtail user admin (its forms and
its bulk "assign role" action), Django's admin, ``seed_demo``, single sign-on's first
sign-in, provisioning, a shell. So they are caught where they are written, at the model:
``m2m_changed`` on the groups and a ``pre_save``/``post_save`` pair on ``User`` that
compares the fields below. The receivers write the audit entry and nothing else (no
business logic), and cost nothing for saves that do not touch these fields (a sign-in
saving ``last_login``). Bulk writes send no signals; the staff import logs its own changes
(``people.services``).

Who did it: ``by`` when the caller knows, else the person the Wagtail admin is serving
(Wagtail's ``LogContext``), else nobody (a command, a background job).
"""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from core.audit import AuditAction, audit_log, audit_title

from .models import BusinessUnit, User

# Fields of a person whose changes are audited, as (field, data key).
TRACKED = (
    ("unit_id", "unit"),
    ("manager_id", "manager"),
    ("role", "role"),
    ("is_superuser", "site_admin"),
    ("is_staff", "staff"),
    ("is_active", "active"),
)
_TRACKED_NAMES = {"unit", "manager", "role", "is_superuser", "is_staff", "is_active"} | {
    field for field, _key in TRACKED
}


def _groups_message(data: dict) -> str:
    parts = []
    if data.get("added"):
        parts.append(_("added to %(groups)s") % {"groups": ", ".join(data["added"])})
    if data.get("removed"):
        parts.append(_("removed from %(groups)s") % {"groups": ", ".join(data["removed"])})
    return _("Groups changed: %(changes)s") % {"changes": "; ".join(parts) or "-"}


def _value_text(key: str, value) -> str:
    if value is None or value == "":
        return "-"
    if key == "unit" and isinstance(value, dict):
        return str(value.get("name") or f"#{value.get('id')}")
    if key == "manager":
        return f"#{value}"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    return str(value)


def _changes_message(data: dict) -> str:
    parts = [
        f"{key}: {_value_text(key, before)} → {_value_text(key, after)}"
        for key, (before, after) in sorted((data.get("changes") or {}).items())
    ]
    via = data.get("via")
    text = _("Changed %(changes)s") % {"changes": "; ".join(parts) or "-"}
    return f"{text} ({via})" if via else text


PERSON_GROUPS_CHANGED = AuditAction(
    "spoke.people.groups_changed", _("Change a person's groups"), _groups_message
)
PERSON_CHANGED = AuditAction(
    "spoke.people.changed", _("Change a person's role, unit, manager or access"), _changes_message
)
PERSON_ERASED = AuditAction(
    "spoke.people.erased",
    _("Erase a person"),
    lambda data: _("Erased; kept as %(pseudonym)s") % {"pseudonym": data["pseudonym"]},
)
PERSONAL_DATA_EXPORTED = AuditAction(
    "spoke.people.data_exported",
    _("Download one's own data"),
    lambda data: _("Asked for a copy of their data (file #%(export)s)") % data,
)
PEOPLE_LIST_EXPORTED = AuditAction(
    "spoke.export.people",
    _("Export a list of people"),
    lambda data: (
        _("Exported %(what)s as %(format)s (%(rows)s rows)")
        % {"what": data["what"], "format": data["format"].upper(), "rows": data.get("rows", "?")}
    ),
)

PEOPLE_AUDIT_ACTIONS = (
    PERSON_GROUPS_CHANGED,
    PERSON_CHANGED,
    PERSON_ERASED,
    PERSONAL_DATA_EXPORTED,
    PEOPLE_LIST_EXPORTED,
)


def people_list_export_log(
    *, by, what: str, file_format: str, rows: int | None, filters: dict | None = None
) -> None:
    """Record that ``by`` downloaded a list of people: ``what`` names the list (a report,
    the roster), ``filters`` the choices that made it (ids and codes only)."""
    if by is None or not getattr(by, "is_authenticated", False):
        return
    audit_log(
        instance=by,
        action=PEOPLE_LIST_EXPORTED.name,
        by=by,
        data={
            "what": what,
            "format": file_format,
            "rows": rows,
            "filters": {key: str(value) for key, value in (filters or {}).items()},
        },
    )


def _unit(unit_id: int | None) -> dict | None:
    if unit_id is None:
        return None
    name = BusinessUnit.objects.filter(pk=unit_id).values_list("name", flat=True).first()
    return {"id": unit_id, "name": name}


def person_changes(before: dict, after: dict, *, unit_names: dict | None = None) -> dict:
    """The tracked fields that differ, as ``{key: [before, after]}`` (units with their
    names, read from ``unit_names`` when given, else from the database)."""
    changes = {}
    for field, key in TRACKED:
        old, new = before.get(field), after.get(field)
        if old != new:
            if key == "unit":
                if unit_names is None:
                    old, new = _unit(old), _unit(new)
                else:
                    old, new = (
                        None if pk is None else {"id": pk, "name": unit_names.get(pk)}
                        for pk in (old, new)
                    )
            changes[key] = [old, new]
    return changes


def person_changes_log_many(changed: list[tuple[User, dict]], *, via: str) -> int:
    """Record many people's changes at once (the staff import: one insert, whatever the
    number), each as :func:`person_changes_log` would; returns how many were written."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone
    from wagtail.log_actions import get_active_log_context
    from wagtail.models import ModelLogEntry

    context = get_active_log_context()
    by = context.user if getattr(context.user, "is_authenticated", False) else None
    content_type = ContentType.objects.get_for_model(User)
    now = timezone.now()
    entries = [
        ModelLogEntry(
            content_type=content_type,
            object_id=str(person.pk),
            label=audit_title(person),
            action=PERSON_CHANGED.name,
            data={"changes": changes, "via": via},
            user=by,
            uuid=context.uuid,
            timestamp=now,
        )
        for person, changes in changed
        if changes
    ]
    ModelLogEntry.objects.bulk_create(entries)
    return len(entries)


def person_changes_log(*, person: User, changes: dict, by=None, via: str = "") -> None:
    """Record ``changes`` (from :func:`person_changes`) to ``person``; nothing when empty."""
    if changes:
        data = {"changes": changes, **({"via": via} if via else {})}
        audit_log(instance=person, action=PERSON_CHANGED.name, by=by, data=data)


def tracked_values(person: User) -> dict:
    return {field: getattr(person, field) for field, _key in TRACKED}


@receiver(pre_save, sender=User, dispatch_uid="people.audit.person_before")
def _person_before(sender, instance: User, raw=False, update_fields=None, **kwargs) -> None:
    if raw or instance.pk is None:
        return
    if update_fields is not None and not (set(update_fields) & _TRACKED_NAMES):
        return
    row = User.objects.filter(pk=instance.pk).values(*(f for f, _k in TRACKED)).first()
    instance._audit_before = row


@receiver(post_save, sender=User, dispatch_uid="people.audit.person_after")
def _person_after(sender, instance: User, created=False, raw=False, **kwargs) -> None:
    if raw:
        return
    before = instance.__dict__.pop("_audit_before", None)
    if created:
        # A new person: record the powers and placement they start with.
        before = {"is_active": True, "is_superuser": False, "is_staff": False, "role": "employee"}
        before |= {"unit_id": None, "manager_id": None}
    if before is None:
        return
    person_changes_log(person=instance, changes=person_changes(before, tracked_values(instance)))


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="people.audit.groups")
def _groups_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if action == "pre_clear":
        # Remember what is about to go: post_clear is told nothing.
        if reverse:
            instance._audit_cleared = list(instance.user_set.values_list("pk", flat=True))
        else:
            instance._audit_cleared = list(instance.groups.values_list("name", flat=True))
        return
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    key = "added" if action == "post_add" else "removed"
    if action == "post_clear":
        cleared = instance.__dict__.pop("_audit_cleared", [])
        if reverse:  # group.user_set.clear(): every former member lost this group
            for person in User.objects.filter(pk__in=cleared):
                _groups_log(person, {key: [instance.name]})
        elif cleared:
            _groups_log(instance, {key: sorted(cleared)})
        return
    if not pk_set:
        return
    if reverse:  # group.user_set.add(...) / remove(...)
        for person in User.objects.filter(pk__in=pk_set):
            _groups_log(person, {key: [instance.name]})
    else:
        names = sorted(Group.objects.filter(pk__in=pk_set).values_list("name", flat=True))
        _groups_log(instance, {key: names})


def _groups_log(person: User, data: dict) -> None:
    if hasattr(person, "_spoke_group_names"):
        del person._spoke_group_names  # people.roles caches the names on the object
    audit_log(instance=person, action=PERSON_GROUPS_CHANGED.name, data=data)
