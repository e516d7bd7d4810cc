"""Who a report is about: everyone for HR and site admins, a manager's people (direct and
indirect reports) for a manager, nobody for anyone else.

Reports never loop over people: a scope is a set of unit ids and, for managers, a set of
person ids, which the selectors turn into ``WHERE`` clauses.
"""

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from people.models import User
from people.roles import user_is_hr, user_is_manager


@dataclass(frozen=True)
class Scope:
    """``people`` is None for "everyone" (HR), or the ids of a manager's people."""

    people: frozenset[int] | None
    is_hr: bool

    @property
    def is_everyone(self) -> bool:
        return self.people is None

    @cached_property
    def units(self) -> frozenset[int | None] | None:
        """The units a manager's people are in (None among them when some have no unit),
        read once per request however many times a page asks; None for HR (everyone)."""
        if self.people is None:
            return None
        return frozenset(
            User.objects.filter(pk__in=self.people, is_active=True)
            .order_by()
            .values_list("unit_id", flat=True)
            .distinct()
        )


def report_scope(user) -> Scope | None:
    """The scope of ``user``'s reports, or None when they may not read reports."""
    if user_is_hr(user):
        return Scope(people=None, is_hr=True)
    if user_is_manager(user):
        return Scope(people=frozenset(reports_of(manager=user)), is_hr=False)
    return None


def reports_of(*, manager) -> set[int]:
    """The ids of the active people under ``manager``, directly or through other
    managers, from one query (a company has thousands of people, read as id pairs)."""
    below: dict[int, list[int]] = defaultdict(list)
    for pk, manager_id in User.objects.filter(is_active=True, manager__isnull=False).values_list(
        "pk", "manager_id"
    ):
        below[manager_id].append(pk)
    found: set[int] = set()
    stack = list(below.get(manager.pk, ()))
    while stack:
        pk = stack.pop()
        if pk in found or pk == manager.pk:
            continue
        found.add(pk)
        stack.extend(below.get(pk, ()))
    return found
