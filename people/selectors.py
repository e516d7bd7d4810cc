"""Reads about people and units."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Case, Count, Q, QuerySet, When

from core.models import DeferredTask

from .models import BusinessUnit, User


@dataclass(frozen=True)
class UnitTree:
    """Every unit, read in one query: parents, children and names, to walk in memory. The
    one reader of the unit tree; a unit whose parent is missing counts as a top unit."""

    units: dict[int, BusinessUnit]
    children: dict[int | None, list[int]]

    @classmethod
    def load(cls, queryset: QuerySet[BusinessUnit] | None = None) -> "UnitTree":
        """The tree of ``queryset`` (every unit by default), siblings by name."""
        queryset = BusinessUnit.objects.all() if queryset is None else queryset
        units = {unit.pk: unit for unit in queryset.order_by("name")}
        children: dict[int | None, list[int]] = defaultdict(list)
        for unit in units.values():
            parent = unit.parent_id if unit.parent_id in units else None
            children[parent].append(unit.pk)
        return cls(units=units, children=dict(children))

    def subtree(self, pk: int) -> set[int]:
        """``pk`` and every unit below it."""
        found, stack = set(), [pk]
        while stack:
            current = stack.pop()
            if current in found:
                continue
            found.add(current)
            stack.extend(self.children.get(current, ()))
        return found

    def ancestors(self, pk: int) -> list[BusinessUnit]:
        """From the top of the tree down to ``pk``'s parent (none for an unknown unit)."""
        chain, seen = [], set()
        current = self.units[pk].parent_id if pk in self.units else None
        while current is not None and current in self.units and current not in seen:
            seen.add(current)
            chain.append(self.units[current])
            current = self.units[current].parent_id
        return list(reversed(chain))

    def ordered(self) -> list[tuple[BusinessUnit, int]]:
        """Every unit with its depth, parents before children."""
        ordered: list[tuple[BusinessUnit, int]] = []
        stack = [(pk, 0) for pk in reversed(self.children.get(None, []))]
        while stack:
            pk, depth = stack.pop()
            ordered.append((self.units[pk], depth))
            stack.extend((child, depth + 1) for child in reversed(self.children.get(pk, [])))
        return ordered


def unit_tree() -> list[tuple[BusinessUnit, int]]:
    """Every unit with its depth (and ``member_count``), parents before children, in one
    query."""
    return UnitTree.load(BusinessUnit.objects.annotate(member_count=Count("members"))).ordered()


def unit_descendant_ids(*, unit: BusinessUnit) -> set[int]:
    """The unit and every unit below it, from one query."""
    return UnitTree.load(BusinessUnit.objects.only("pk", "parent_id", "name")).subtree(unit.pk)


def unit_and_ancestor_ids(*, unit_id: int | None) -> set[int]:
    """The unit and every unit above it, from one query (none without a unit)."""
    if unit_id is None:
        return set()
    tree = UnitTree.load(BusinessUnit.objects.only("pk", "parent_id", "name"))
    return {unit_id} | {unit.pk for unit in tree.ancestors(unit_id)}


def team_for_manager(*, manager: User) -> QuerySet[User]:
    """A manager's direct reports, with their units."""
    return (
        User.objects.filter(manager=manager, is_active=True)
        .select_related("unit")
        .order_by("last_name", "first_name", "email")
    )


@dataclass(frozen=True)
class AdminAttention:
    """What a site admin should look at: active people with no unit (reports cannot
    place them) and messages kept back while the broker was down."""

    without_unit: int
    deferred_messages: int

    @property
    def anything(self) -> bool:
        return bool(self.without_unit or self.deferred_messages)


def admin_attention() -> AdminAttention:
    """Two counts, two queries."""
    return AdminAttention(
        without_unit=User.objects.filter(is_active=True, unit__isnull=True).count(),
        deferred_messages=DeferredTask.objects.count(),
    )


def unit_by_name_or_code(value: str) -> BusinessUnit | None:
    """The unit whose name or code (its slug) is ``value``, ignoring case and spaces around
    it; None when none is. What an identity provider's ``department`` is matched to."""
    value = " ".join((value or "").split())
    if not value:
        return None
    return (
        BusinessUnit.objects.filter(Q(name__iexact=value) | Q(slug__iexact=value))
        .order_by(Case(When(name__iexact=value, then=0), default=1), "pk")
        .first()
    )


def scim_people(*, attribute: str | None = None, value: str = "") -> QuerySet[User]:
    """Everyone, for the SCIM list, optionally where ``userName`` (the e-mail address,
    ignoring case) or ``externalId`` equals ``value``; with unit and manager, by id."""
    people = User.objects.select_related("unit", "manager").order_by("pk")
    if attribute == "userName":
        people = people.filter(email__iexact=value)
    elif attribute == "externalId":
        people = people.filter(scim_external_id=value)
    return people
