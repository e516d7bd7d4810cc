"""The audit trail: who did what to whom, and when, in Wagtail's own action log.

Everything that changes what a person may do or what is known about them, and every
download of a list of people, is written with :func:`audit_log` to Wagtail's action log
(``wagtail.log_actions``), so it shows in the admin's "Site history" report and in the
history of the object it is about. Each app declares the actions it writes with
:class:`AuditAction` and registers them on Wagtail's ``register_log_actions`` hook from its
``wagtail_hooks.py``::

    REVIEW_ACCEPTED = AuditAction("spoke.review.accepted", _("Accept practice"), _("Accepted"))

    @hooks.register("register_log_actions")
    def register_audit_actions(actions):
        audit_actions_register(actions, REVIEW_ACCEPTED)

    audit_log(instance=submission, action=REVIEW_ACCEPTED.name, by=reviewer, data={...})

What an entry keeps: the action, the time, who did it (``by``, else the person Wagtail's
admin is serving), the object's type and id, a neutral title ("person #12", never a name)
and ``data`` made of ids, codes, counts and unit names: never a person's name, address or
words, so an entry says nothing about a person once they are erased (their account row
stays under a pseudonym, and so does every entry that points at it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from wagtail.log_actions import LogFormatter
from wagtail.log_actions import log as wagtail_log


@dataclass(frozen=True)
class AuditAction:
    """One kind of audit entry: its name (``spoke.<area>.<what>``), the label the history
    filters show, and the message of an entry, plain or built from the entry's ``data``."""

    name: str
    label: str
    message: str | Callable[[dict], str]

    def formatter(self) -> type[LogFormatter]:
        message = self.message

        class _Formatter(LogFormatter):
            label = self.label

            def format_message(self, log_entry):
                if callable(message):
                    try:
                        return message(log_entry.data or {})
                    except (KeyError, TypeError, ValueError):
                        return self.label
                return message

        return _Formatter


def audit_actions_register(actions, *declared: AuditAction) -> None:
    """Register ``declared`` with Wagtail's action registry (in a ``register_log_actions`` hook)."""
    for action in declared:
        actions.register_action(action.name)(action.formatter())


def audit_title(instance) -> str:
    """A title that names the object's type and id, never a person: "person #12"."""
    return f"{instance._meta.verbose_name} #{instance.pk}"


def audit_log(*, instance, action: str, by=None, data: dict | None = None, title: str = ""):
    """Write one entry about ``instance`` to Wagtail's action log and return it.

    ``by`` is who did it (a person, or ``None`` for the system or a command; inside the
    Wagtail admin the signed-in person is taken when ``by`` is not given). ``data`` must be
    JSON of ids, codes and counts: no names, addresses or anything a person wrote."""
    if by is not None and not getattr(by, "is_authenticated", False):
        by = None  # an anonymous visitor is nobody to record
    return wagtail_log(
        instance=instance,
        action=action,
        user=by,
        data=data or {},
        title=title or audit_title(instance),
    )
