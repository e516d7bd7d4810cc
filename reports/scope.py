"""Who a report is about: everyone for HR and site admins, a manager's people (direct and
indirect reports) for a manager, nobody for anyone else.

Reports never loop over people and never carry them as a list of ids: a manager's people
are a subquery that walks the management chain in the database (a recursive common table
expression, which SQLite and PostgreSQL both run), so a page for the top manager of a
10,000-person company sends the same short SQL as one for a team lead.
"""

from dataclasses import dataclass
from functools import cached_property

from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from people.models import User
from people.roles import user_is_hr, user_is_manager


def _chain_sql() -> str:
    """The ids of the active people below one manager (the single parameter), walking only
    through active people, as ``reports_of`` always has. UNION (not UNION ALL) stops at
    anyone already found, so a loop in the data (A manages B manages A) ends."""
    table = User._meta.db_table
    pk = User._meta.pk.column
    manager = User._meta.get_field("manager").column
    active = User._meta.get_field("is_active").column
    # Only the model's own table and column names are formatted in; values are parameters.
    return (
        f"WITH RECURSIVE below(id) AS ("  # noqa: S608
        f" SELECT {pk} FROM {table} WHERE {manager} = %s AND {active} = %s"
        f" UNION"
        f" SELECT u.{pk} FROM {table} u JOIN below ON u.{manager} = below.id"
        f" WHERE u.{active} = %s"
        f") SELECT id FROM below WHERE id <> %s"
    )


def below_manager(manager_pk: int) -> RawSQL:
    """A subquery of the ids of the active people under the manager ``manager_pk``,
    directly or through other managers, for ``pk__in=``."""
    return RawSQL(_chain_sql(), (manager_pk, True, True, manager_pk))  # noqa: S611


@dataclass(frozen=True)
class Scope:
    """``manager_id`` is None for "everyone" (HR), or the manager whose people it holds."""

    manager_id: int | None
    is_hr: bool

    @property
    def is_everyone(self) -> bool:
        return self.manager_id is None

    @property
    def people(self) -> RawSQL | None:
        """None for everyone, or a subquery of a manager's people, for ``pk__in=``."""
        if self.manager_id is None:
            return None
        return below_manager(self.manager_id)

    @cached_property
    def units(self) -> frozenset[int | None] | None:
        """The units a manager's people are in (None among them when some have no unit),
        read once per request however many times a page asks; None for HR (everyone)."""
        if self.manager_id is None:
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
        return Scope(manager_id=None, is_hr=True)
    if user_is_manager(user):
        return Scope(manager_id=user.pk, is_hr=False)
    return None


def team_of(*, manager) -> QuerySet[User]:
    """The active people under ``manager``, directly or through other managers."""
    return User.objects.filter(pk__in=below_manager(manager.pk), is_active=True)


def manages(*, manager, pk: int) -> bool:
    """Whether the person ``pk`` is under ``manager`` (one query)."""
    return team_of(manager=manager).filter(pk=pk).exists()


def reports_of(*, manager) -> set[int]:
    """The ids of the active people under ``manager``, directly or through other managers."""
    return set(team_of(manager=manager).values_list("pk", flat=True))
