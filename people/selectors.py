"""Reads about people and units."""

from collections import defaultdict

from django.db.models import Count, QuerySet

from .models import BusinessUnit, User


def unit_tree() -> list[tuple[BusinessUnit, int]]:
    """Every unit with its depth, parents before children, in one query."""
    units = list(BusinessUnit.objects.annotate(member_count=Count("members")).order_by("name"))
    children: dict[int | None, list[BusinessUnit]] = defaultdict(list)
    for unit in units:
        children[unit.parent_id].append(unit)
    ordered: list[tuple[BusinessUnit, int]] = []

    def walk(parent_id, depth):
        for unit in children.get(parent_id, []):
            ordered.append((unit, depth))
            walk(unit.pk, depth + 1)

    walk(None, 0)
    return ordered


def unit_descendant_ids(*, unit: BusinessUnit) -> set[int]:
    """The unit and every unit below it, from one query."""
    children: dict[int | None, list[int]] = defaultdict(list)
    for pk, parent_id in BusinessUnit.objects.values_list("pk", "parent_id"):
        children[parent_id].append(pk)
    found, stack = set(), [unit.pk]
    while stack:
        pk = stack.pop()
        if pk in found:
            continue
        found.add(pk)
        stack.extend(children.get(pk, []))
    return found


def team_for_manager(*, manager: User) -> QuerySet[User]:
    """A manager's direct reports, with their units."""
    return (
        User.objects.filter(manager=manager, is_active=True)
        .select_related("unit")
        .order_by("last_name", "first_name", "email")
    )
