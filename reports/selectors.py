"""The numbers behind the reports, counted by the database.

Every selector here runs a fixed number of queries whatever the number of people: people
are grouped into report rows by a ``CASE`` over their unit (a company has tens of units),
and counts are conditional aggregates over those rows, never loops over people.

Levels "as of" a moment come from the evidence ledger: a person is at level L or above in
a competency when some evidence up to that moment shows L or more (knowledge checks count
as "aware" at most), which is exactly how standings are kept (``competencies.services``).
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from statistics import median

from django.db.models import (
    Case,
    Count,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, TruncMonth
from django.utils.translation import gettext

from advocacy.callouts import UnitResponse, callout_responses
from advocacy.selectors import crisis_ready
from assessments.models import Submission
from cohorts.models import Attendance, Cohort, Enrollment, Session
from competencies.levels import Level
from competencies.models import Competency, CompetencyEvidence
from competencies.selectors import level_reached
from competencies.services import standing_level_from_ledger
from courses.models import CoursePage
from people.models import BusinessUnit, User
from people.selectors import UnitTree

from .filters import ReportFilters
from .scope import Scope

OWN_ROW = 0  # people directly in the unit being looked at (not in a sub-unit)
NO_UNIT_ROW = -1  # people with no unit, at the top of the tree

Source = CompetencyEvidence.Source


def population(*, scope: Scope, filters: ReportFilters, tree: UnitTree) -> QuerySet[User]:
    """The people a report counts: in the viewer's scope, in the chosen unit and its
    sub-units, and, when a course or cohort is chosen, holding a place in it.

    Active people, and people deactivated after the report's as-of moment (they were still
    there then): someone who left on 3 March counts in a report as of 2 March and not in one
    as of 3 March or later. An account switched off without a date (before dates were kept)
    is never counted."""
    people = User.objects.filter(Q(is_active=True) | Q(deactivated_at__gt=filters.end_at))
    if scope.people is not None:
        people = people.filter(pk__in=scope.people)
    if filters.unit is not None:
        people = people.filter(unit_id__in=tree.subtree(filters.unit.pk))
    places = Enrollment.objects.filter(status__in=Enrollment.HOLDS_A_PLACE)
    if filters.cohort is not None:
        people = people.filter(pk__in=places.filter(cohort=filters.cohort).values("user_id"))
    elif filters.course is not None:
        people = people.filter(
            pk__in=places.filter(cohort__course=filters.course).values("user_id")
        )
    return people


def people_units(*, scope: Scope) -> set[int] | None:
    """The units where a manager's people are (None for HR: every unit)."""
    if scope.units is None:
        return None
    return {unit for unit in scope.units if unit is not None}


def allowed_units(*, scope: Scope, tree: UnitTree) -> set[int]:
    """The units a viewer may choose: all for HR; for a manager, the units where their
    people are and the units above them (to move around the tree)."""
    units = people_units(scope=scope)
    if units is None:
        return set(tree.units)
    for pk in list(units):
        units.update(unit.pk for unit in tree.ancestors(pk))
    return units


def default_anchor(*, scope: Scope, tree: UnitTree, visible: set[int]) -> BusinessUnit | None:
    """The unit whose sub-units are the rows of a report opened without a unit: the one
    unit at the top of the tree for HR (the hub: its spokes become the rows), and for a
    manager the lowest unit that holds all their people (their own team, not the hub
    above it). None when there is no such unit (several top units, or people without a
    unit), and the rows are then the top units."""
    units = people_units(scope=scope)
    if units is None:
        roots = tree.children.get(None, [])
        return tree.units[roots[0]] if len(roots) == 1 else None
    if not units or None in scope.units:
        return None
    chains = [[*(u.pk for u in tree.ancestors(pk)), pk] for pk in units if pk in tree.units]
    common = None
    for level in zip(*chains, strict=False):
        if len(set(level)) != 1:
            break
        common = level[0]
    return tree.units[common] if common is not None and common in visible else None


# --- Rows: the units a report shows side by side -----------------------------------------


@dataclass(frozen=True)
class RowSpec:
    key: int  # a unit id, OWN_ROW or NO_UNIT_ROW
    unit: BusinessUnit | None
    label: str
    units: frozenset[int]  # the unit ids counted in this row
    drillable: bool


def row_specs(
    *, filters: ReportFilters, tree: UnitTree, visible: set[int], anchor=None
) -> list[RowSpec]:
    """The rows under the unit looked at (``anchor`` when no unit is chosen): each child
    unit with everything below it, then the people directly in the unit. At the very top,
    the top units. Only units in ``visible`` (the viewer's) are shown."""
    parent_unit = filters.unit or anchor
    parent = parent_unit.pk if parent_unit else None
    rows = []
    for pk in tree.children.get(parent, ()):
        if pk not in visible:
            continue
        below = tree.subtree(pk)
        rows.append(
            RowSpec(
                key=pk,
                unit=tree.units[pk],
                label=tree.units[pk].name,
                units=frozenset(below),
                drillable=bool(tree.children.get(pk)),
            )
        )
    if parent_unit is not None:
        rows.append(
            RowSpec(
                key=OWN_ROW,
                unit=parent_unit,
                label=str(parent_unit),
                units=frozenset({parent_unit.pk}),
                drillable=False,
            )
        )
    return rows


def report_rows(*, scope: Scope, filters: ReportFilters, tree: UnitTree):
    """What every unit report starts from: the units the viewer sees, the rows, and the
    unit the default view opens on (None when a unit is chosen)."""
    visible = allowed_units(scope=scope, tree=tree)
    anchor = None
    if filters.unit is None:
        anchor = default_anchor(scope=scope, tree=tree, visible=visible)
    specs = row_specs(filters=filters, tree=tree, visible=visible, anchor=anchor)
    return visible, anchor, specs


def units_short(spec: RowSpec, tree: UnitTree, failing: set[int]) -> list[int]:
    """The units below a row's unit (any depth, with people) that fall short."""
    if spec.unit is None or spec.key <= 0:
        return []
    return sorted(pk for pk in spec.units if pk != spec.key and pk in failing)


def row_case(specs: list[RowSpec], *, unit_field: str = "unit_id", top: bool) -> Case:
    """A ``CASE`` giving each person the key of the row they are counted in."""
    whens = [
        When(**{f"{unit_field}__in": list(spec.units)}, then=Value(spec.key)) for spec in specs
    ]
    if top:
        whens.append(When(**{f"{unit_field}__isnull": True}, then=Value(NO_UNIT_ROW)))
    return Case(*whens, default=Value(None), output_field=IntegerField())


# --- The heat map ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    count: int
    people: int

    @property
    def percent(self) -> int:
        return round(100 * self.count / self.people) if self.people else 0

    @property
    def band(self) -> int:
        """0 (nobody) to 4 (three quarters or more), for the colour; the number is shown too."""
        if not self.count:
            return 0
        return min(4, 1 + self.percent // 25)


@dataclass(frozen=True)
class HeatRow:
    spec: RowSpec
    people: int
    cells: list[Cell]


@dataclass(frozen=True)
class HeatMap:
    level: int
    as_of: datetime
    competencies: list[Competency]
    rows: list[HeatRow]
    total: HeatRow | None
    trail: list[BusinessUnit] = field(default_factory=list)

    @property
    def level_label(self) -> str:
        return Level(self.level).label


def heat_map(*, scope: Scope, filters: ReportFilters, tree: UnitTree) -> HeatMap:
    """Units by competencies: how many people are at ``filters.level`` or above at the end
    of the period, out of how many. Three queries plus the tree and the scope."""
    visible, _anchor, specs = report_rows(scope=scope, filters=filters, tree=tree)
    top = filters.unit is None
    people = population(scope=scope, filters=filters, tree=tree)
    competencies = list(Competency.objects.order_by("-is_core", "name"))

    headcount = {
        row["row"]: row["n"]
        for row in people.annotate(row=row_case(specs, top=top))
        .values("row")
        .annotate(n=Count("pk"))
    }
    as_of = filters.end_at
    reached = {
        (row["row"], row["competency_id"]): row["n"]
        for row in CompetencyEvidence.objects.filter(
            level_reached(filters.level),
            user__in=people.values("pk"),
            created_at__lte=as_of,
        )
        .annotate(row=row_case(specs, unit_field="user__unit_id", top=top))
        .values("row", "competency_id")
        .annotate(n=Count("user_id", distinct=True))
    }
    if top and headcount.get(NO_UNIT_ROW):
        specs.append(
            RowSpec(
                key=NO_UNIT_ROW,
                unit=None,
                label=gettext("No unit"),
                units=frozenset(),
                drillable=False,
            )
        )

    def cells(key) -> list[Cell]:
        return [Cell(reached.get((key, c.pk), 0), headcount.get(key, 0)) for c in competencies]

    rows = [
        HeatRow(spec=spec, people=headcount.get(spec.key, 0), cells=cells(spec.key))
        for spec in specs
        if headcount.get(spec.key, 0) or spec.key != OWN_ROW
    ]
    total_people = sum(row.people for row in rows)
    total = None
    if rows:
        total = HeatRow(
            spec=RowSpec(
                key=-2,
                unit=filters.unit,
                label=str(filters.unit) if filters.unit else gettext("Everyone"),
                units=frozenset(),
                drillable=False,
            ),
            people=total_people,
            cells=[
                Cell(sum(row.cells[i].count for row in rows), total_people)
                for i in range(len(competencies))
            ],
        )
    trail = tree.ancestors(filters.unit.pk) if filters.unit else []
    return HeatMap(
        level=filters.level,
        as_of=as_of,
        competencies=competencies,
        rows=rows,
        total=total,
        trail=[unit for unit in trail if unit.pk in visible],
    )


# --- Adoption against the tipping point ---------------------------------------------------


def month_ends(*, end: datetime, count: int = 12) -> list[datetime]:
    """The last moment of each of the ``count`` months up to ``end`` (the last one is
    ``end`` itself), oldest first."""
    ends = [end]
    year, month = end.year, end.month
    for _ in range(count - 1):
        first = end.replace(
            year=year, month=month, day=1, hour=0, minute=0, second=0, microsecond=0
        )
        ends.append(first - timedelta(microseconds=1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(ends))


# Stands in for "never" where a date is missing, so that one expression gives the answer
# on every database (PostgreSQL's GREATEST skips NULLs, SQLite's MAX returns NULL).
NEVER = datetime(9999, 1, 1, tzinfo=UTC)


def with_adoption(people: QuerySet, *, core: list[Competency], as_of: datetime) -> QuerySet:
    """Annotate ``people`` with ``adopted_at``: the moment each reached "practising" in
    every competency of ``core`` by ``as_of`` (the latest of their first such evidence
    per competency), or :data:`NEVER`. One correlated subquery per core competency (a
    company has a handful), each evaluated once per person: filter and group on
    ``adopted_at``, and compare it with :data:`NEVER`."""
    if not core:
        return people.annotate(adopted_at=Value(NEVER, output_field=DateTimeField()))
    firsts = [
        Coalesce(
            Subquery(
                CompetencyEvidence.objects.filter(
                    level_reached(Level.PRACTISING),
                    user=OuterRef("pk"),
                    competency=competency,
                    created_at__lte=as_of,
                )
                .order_by()
                .values("user")
                .annotate(first=Min("created_at"))
                .values("first")[:1]
            ),
            Value(NEVER),
            output_field=DateTimeField(),
        )
        for competency in core
    ]
    latest = Greatest(*firsts) if len(firsts) > 1 else firsts[0]
    return people.annotate(adopted_at=latest)


@dataclass(frozen=True)
class AdoptionRow:
    spec: RowSpec
    people: int
    adopted: int
    on_roster: int
    trend: list[int]  # people adopted at each month end
    # Units below this row's unit (with people) that are under the line: a roll-up is
    # "past the line" only when none is.
    short_units: list[int] = field(default_factory=list)

    @property
    def percent(self) -> float:
        return round(100 * self.adopted / self.people, 1) if self.people else 0.0

    @property
    def roster_percent(self) -> float:
        return round(100 * self.on_roster / self.people, 1) if self.people else 0.0

    @property
    def trend_percents(self) -> list[float]:
        return [round(100 * n / self.people, 1) if self.people else 0.0 for n in self.trend]


@dataclass(frozen=True)
class Adoption:
    line: int  # the tipping point, in percent
    months: list[datetime]  # the end of each month, in the company's time zone
    rows: list[AdoptionRow]
    total: AdoptionRow | None
    core: list[Competency]
    trail: list[BusinessUnit] = field(default_factory=list)

    def status(self, row: AdoptionRow) -> str:
        """ "past" the line (and every unit below it too), "units_short" (past it, but not
        every unit below), "near" it (at least half way) or "far" from it."""
        if row.percent >= self.line:
            return "units_short" if row.short_units else "past"
        return "near" if row.percent >= self.line / 2 else "far"


def _below_line(adopted: int, people: int, line: int) -> bool:
    return bool(people) and 100 * adopted < line * people


def adoption(
    *, scope: Scope, filters: ReportFilters, tree: UnitTree, line: int, months: int = 12
) -> Adoption:
    """Per unit: how many people practise in every core competency (now, and at the end
    of each of the last ``months`` months of the company's calendar), how many are on the
    advocacy roster, against the tipping-point ``line``. Two queries whatever the number
    of people: people are counted by unit and month of adoption, and rows add up units."""
    from advocacy.models import RosterMembership

    visible, _anchor, specs = report_rows(scope=scope, filters=filters, tree=tree)
    top = filters.unit is None
    people = population(scope=scope, filters=filters, tree=tree)
    core = list(Competency.objects.filter(is_core=True).order_by("name"))
    ends = month_ends(end=filters.end_at, count=months)

    on_roster = RosterMembership.objects.filter(
        user_id=OuterRef("pk"), status__in=RosterMembership.ON_ROSTER
    )
    counted = with_adoption(people.annotate(on_roster=Exists(on_roster)), core=core, as_of=ends[-1])
    # People by unit and by the month (of the company's calendar) they adopted in, one
    # group for "not yet": the trend is then a running sum over at most thirteen months
    # per unit, and a row adds up its units, never a pass over people.
    by_unit: dict[int | None, dict] = {}
    for group in counted.values(
        "unit_id", month=TruncMonth("adopted_at", tzinfo=filters.zone)
    ).annotate(n=Count("pk"), roster=Count("pk", filter=Q(on_roster=True))):
        figure = by_unit.setdefault(group["unit_id"], {"n": 0, "roster": 0, "months": {}})
        figure["n"] += group["n"]
        figure["roster"] += group["roster"]
        month = group["month"]
        if month is not None and month.year < NEVER.year:
            figure["months"][month] = figure["months"].get(month, 0) + group["n"]

    def trend_of(units) -> list[int]:
        return [
            sum(n for unit in units for month, n in by_unit.get(unit, {}).get("months", {}).items()
                if month <= moment)
            for moment in ends
        ]  # fmt: skip

    failing = {
        unit
        for unit, figure in by_unit.items()
        if unit is not None and _below_line(sum(figure["months"].values()), figure["n"], line)
    }
    if top and None in by_unit:
        specs.append(RowSpec(NO_UNIT_ROW, None, gettext("No unit"), frozenset(), drillable=False))

    def make(spec: RowSpec, units, short) -> AdoptionRow:
        trend = trend_of(units)
        return AdoptionRow(
            spec=spec,
            people=sum(by_unit.get(unit, {}).get("n", 0) for unit in units),
            adopted=trend[-1] if trend else 0,
            on_roster=sum(by_unit.get(unit, {}).get("roster", 0) for unit in units),
            trend=trend,
            short_units=short,
        )

    def units_of(spec: RowSpec):
        return [None] if spec.key == NO_UNIT_ROW else list(spec.units)

    rows = [
        make(spec, units_of(spec), units_short(spec, tree, failing))
        for spec in specs
        if spec.key != OWN_ROW or by_unit.get(spec.unit.pk, {}).get("n")
    ]
    total = None
    if rows:
        label = str(filters.unit) if filters.unit else gettext("Everyone")
        every = [unit for row in rows for unit in units_of(row.spec)]
        total = make(
            RowSpec(-2, filters.unit, label, frozenset(), drillable=False),
            every,
            sorted(unit for unit in failing if unit in set(every)),
        )
    trail = tree.ancestors(filters.unit.pk) if filters.unit else []
    return Adoption(
        line=line,
        months=ends,
        rows=rows,
        total=total,
        core=core,
        trail=[unit for unit in trail if unit.pk in visible],
    )


# --- Learning activity ----------------------------------------------------------------------

SUMMED = (
    "enrolled",
    "active",
    "completed",
    "places_at_sessions",
    "present",
    "submitted",
    "accepted",
    "waiting",
)


@dataclass
class Activity:
    """One cohort's (or one course's, or everyone's) figures, for the people in scope."""

    label: str
    enrolled: int = 0
    active: int = 0
    completed: int = 0
    sessions_held: int = 0
    places_at_sessions: int = 0  # every place at every session held: attendance's base
    present: int = 0
    submitted: int = 0
    accepted: int = 0
    waiting: int = 0
    review_hours: list[float] = field(default_factory=list, repr=False)
    cohort: Cohort | None = None
    course: CoursePage | None = None

    @property
    def attendance_percent(self) -> float | None:
        """Present marks out of every place at every session held (None before any)."""
        if not self.places_at_sessions:
            return None
        return round(100 * self.present / self.places_at_sessions, 1)

    @property
    def median_review_hours(self) -> float | None:
        return round(median(self.review_hours), 1) if self.review_hours else None

    def merge(self, other: "Activity") -> None:
        """Add a cohort's figures to its course's or to the total."""
        for name in SUMMED:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.review_hours.extend(other.review_hours)


@dataclass(frozen=True)
class LearningActivity:
    cohorts: list[Activity]
    courses: list[Activity]
    total: Activity


def learning_activity(
    *, scope: Scope, filters: ReportFilters, tree: UnitTree, now: datetime
) -> LearningActivity:
    """Per cohort and per course: places held, people active (attended a session or handed
    in practice), completions, attendance, practice handed in, accepted and waiting, and the
    median time from hand-in to decision. Five queries whatever the number of people or
    cohorts: each figure is a grouped count over the people in scope."""
    people = population(scope=scope, filters=filters, tree=tree).values("pk")
    places = Enrollment.objects.filter(status__in=Enrollment.HOLDS_A_PLACE, user__in=people)
    cohorts = Cohort.objects.filter(pk__in=places.values("cohort_id")).select_related("course")
    if filters.cohort is not None:
        cohorts = cohorts.filter(pk=filters.cohort.pk)
    elif filters.course is not None:
        cohorts = cohorts.filter(course=filters.course)
    if filters.start is not None:
        cohorts = cohorts.filter(Q(ends_at__isnull=True) | Q(ends_at__gte=filters.start_at))
    if filters.end is not None:
        cohorts = cohorts.filter(Q(starts_at__isnull=True) | Q(starts_at__lte=filters.end_at))
    cohorts = list(cohorts.order_by("course__title", "starts_at", "name"))
    rows = {
        cohort.pk: Activity(label=cohort.name, cohort=cohort, course=cohort.course)
        for cohort in cohorts
    }
    if rows:
        _count_places(rows, places.filter(cohort_id__in=list(rows)))
        _count_sessions(rows, now=now)
        _count_practice(rows, people=people, filters=filters)

    by_course: dict[int, Activity] = {}
    total = Activity(label=gettext("All shown"))
    for activity in rows.values():
        course = activity.course
        if course.pk not in by_course:
            by_course[course.pk] = Activity(label=course.title, course=course)
        by_course[course.pk].merge(activity)
        total.merge(activity)
    return LearningActivity(
        cohorts=list(rows.values()), courses=list(by_course.values()), total=total
    )


def _count_places(rows: dict[int, Activity], places: QuerySet) -> None:
    attended = Attendance.objects.filter(
        enrollment=OuterRef("pk"), status=Attendance.Status.PRESENT
    )
    handed_in = Submission.objects.filter(
        cohort_id=OuterRef("cohort_id"), user_id=OuterRef("user_id"), submitted_at__isnull=False
    )
    present = (
        Attendance.objects.filter(enrollment=OuterRef("pk"), status=Attendance.Status.PRESENT)
        .order_by()
        .values("enrollment")
        .annotate(n=Count("pk"))
        .values("n")
    )
    figures = (
        places.annotate(
            attended=Exists(attended),
            handed_in=Exists(handed_in),
            present_n=Coalesce(Subquery(present), 0),
        )
        .values("cohort_id")
        .annotate(
            enrolled=Count("pk"),
            completed=Count("pk", filter=Q(status=Enrollment.Status.COMPLETED)),
            active=Count("pk", filter=Q(attended=True) | Q(handed_in=True)),
            present=Sum("present_n"),
        )
    )
    for row in figures:
        activity = rows[row["cohort_id"]]
        activity.enrolled, activity.completed = row["enrolled"], row["completed"]
        activity.active, activity.present = row["active"], row["present"] or 0


def _count_sessions(rows: dict[int, Activity], *, now: datetime) -> None:
    held = (
        Session.objects.filter(cohort_id__in=list(rows), starts_at__lte=now)
        .values("cohort_id")
        .annotate(n=Count("pk"))
    )
    for row in held:
        activity = rows[row["cohort_id"]]
        activity.sessions_held = row["n"]
    for activity in rows.values():
        activity.places_at_sessions = activity.sessions_held * activity.enrolled


def _count_practice(rows: dict[int, Activity], *, people, filters: ReportFilters) -> None:
    work = Submission.objects.filter(
        cohort_id__in=list(rows), user__in=people, submitted_at__isnull=False
    )
    if filters.start is not None:
        work = work.filter(submitted_at__gte=filters.start_at)
    if filters.end is not None:
        work = work.filter(submitted_at__lte=filters.end_at)
    for row in work.values("cohort_id").annotate(
        submitted=Count("pk"),
        accepted=Count("pk", filter=Q(status=Submission.Status.ACCEPTED)),
        waiting=Count("pk", filter=Q(status=Submission.Status.SUBMITTED)),
    ):
        activity = rows[row["cohort_id"]]
        activity.submitted, activity.accepted = row["submitted"], row["accepted"]
        activity.waiting = row["waiting"]
    # One row per decision, not per person: a median needs the values themselves. The
    # database subtracts, so each row brings one duration rather than two timestamps with
    # their time zones (thousands of rows on a large company).
    waited = ExpressionWrapper(
        F("review__decided_at") - F("submitted_at"), output_field=DurationField()
    )
    decided = work.filter(review__isnull=False).values_list("cohort_id", waited)
    for cohort_id, wait in decided:
        rows[cohort_id].review_hours.append(max(0.0, wait.total_seconds() / 3600))


# --- Hub and spoke --------------------------------------------------------------------------


@dataclass
class Spoke:
    """A spoke (a unit under the hub, with everything below it), or the hub's own people
    (``is_hub``): its champions, its people ready for a bad day and its adoption."""

    unit: BusinessUnit
    is_hub: bool = False
    drillable: bool = False
    people: int = 0
    advocates: int = 0
    ambassadors: int = 0
    ready: int = 0
    adopted: int = 0
    ambassador_names: list[str] = field(default_factory=list)
    short_units: list[int] = field(default_factory=list)  # units below it under the line

    @property
    def champions(self) -> int:
        """Active advocates and ambassadors: the people the spoke can count on."""
        return self.advocates + self.ambassadors

    @property
    def percent(self) -> float:
        return round(100 * self.adopted / self.people, 1) if self.people else 0.0


@dataclass(frozen=True)
class HubAndSpoke:
    hub: BusinessUnit | None  # the unit at the centre (None: the top of the tree)
    spokes: list[Spoke]  # the hub's own people first (when it has any), then each spoke
    line: int
    target: int
    crisis: list[Competency] = field(default_factory=list)
    trail: list[BusinessUnit] = field(default_factory=list)

    @property
    def without_champion(self) -> list[Spoke]:
        return [s for s in self.spokes if not s.is_hub and s.people and not s.champions]

    @property
    def nobody_ready(self) -> list[Spoke]:
        return [s for s in self.spokes if not s.is_hub and s.people and not s.ready]

    def status(self, spoke: Spoke) -> str:
        if spoke.percent >= self.line:
            return "units_short" if spoke.short_units else "past"
        return "near" if spoke.percent >= self.line / 2 else "far"


def hub_and_spoke(
    *, scope: Scope, filters: ReportFilters, tree: UnitTree, line: int, target: int = 2
) -> HubAndSpoke:
    """The hub (the unit chosen, or the one the default view opens on) and each of its
    spokes (its sub-units, with the units below them): champions (active advocates and
    ambassadors), people ready for a bad day and the adoption share. A fixed number of
    queries: people counted by unit, ready people by unit, the ambassadors' names."""
    from advocacy.models import RosterMembership, Tier
    from cms.selectors import policy_current

    visible, anchor, specs = report_rows(scope=scope, filters=filters, tree=tree)
    hub = filters.unit or anchor
    people = population(scope=scope, filters=filters, tree=tree).filter(unit__isnull=False)
    core = list(Competency.objects.filter(is_core=True))
    crisis = list(Competency.objects.filter(is_crisis_readiness=True).order_by("name"))
    as_of = filters.end_at
    active = RosterMembership.objects.filter(
        user_id=OuterRef("pk"), status=RosterMembership.Status.ACTIVE
    )
    by_unit = {
        row["unit_id"]: row
        for row in with_adoption(people, core=core, as_of=as_of)
        .annotate(
            advocate=Exists(active.filter(tier=Tier.ADVOCATE)),
            ambassador=Exists(active.filter(tier=Tier.AMBASSADOR)),
        )
        .values("unit_id")
        .annotate(
            n=Count("pk"),
            advocates=Count("pk", filter=Q(advocate=True)),
            ambassadors=Count("pk", filter=Q(ambassador=True)),
            adopted=Count("pk", filter=Q(adopted_at__lt=NEVER)),
        )
    }
    ready: dict[int, int] = {}
    if crisis:
        version = policy_current()
        ready = {
            row["unit_id"]: row["n"]
            for row in crisis_ready(people, crisis=crisis, version=version, as_of=as_of)
            .values("unit_id")
            .annotate(n=Count("pk"))
        }
    names: dict[int, list[str]] = {}
    for first, last, email, unit_id in (
        people.filter(Exists(active.filter(tier=Tier.AMBASSADOR)))
        .order_by("last_name", "first_name", "pk")
        .values_list("first_name", "last_name", "email", "unit_id")
    ):
        names.setdefault(unit_id, []).append(f"{first} {last}".strip() or email)
    failing = {unit for unit, row in by_unit.items() if _below_line(row["adopted"], row["n"], line)}
    spokes = []
    for spec in specs:
        spoke = Spoke(unit=spec.unit, is_hub=spec.key == OWN_ROW, drillable=spec.drillable)
        for unit in spec.units:
            row = by_unit.get(unit, {})
            spoke.people += row.get("n", 0)
            spoke.advocates += row.get("advocates", 0)
            spoke.ambassadors += row.get("ambassadors", 0)
            spoke.adopted += row.get("adopted", 0)
            spoke.ready += ready.get(unit, 0)
            spoke.ambassador_names += names.get(unit, [])
        spoke.short_units = units_short(spec, tree, failing)
        if spoke.people or not spoke.is_hub:
            spokes.append(spoke)
    spokes.sort(key=lambda spoke: not spoke.is_hub)  # the hub's own people first
    trail = tree.ancestors(filters.unit.pk) if filters.unit else []
    return HubAndSpoke(
        hub=hub,
        spokes=[s for s in spokes if s.people],
        line=line,
        target=target,
        crisis=crisis,
        trail=[unit for unit in trail if unit.pk in visible],
    )


# --- Crisis readiness (Plan B) -------------------------------------------------------------


@dataclass(frozen=True)
class ReadyPerson:
    name: str
    unit: str


@dataclass(frozen=True)
class ReadinessRow:
    spec: RowSpec
    people: int
    ready: int
    target: int
    # Units below this row's unit (with people) short of the target: a roll-up meets the
    # target only when none is.
    short_units: list[int] = field(default_factory=list)
    # The latest Plan B call-out (or drill) of this row's units in the period: how long it
    # took to have the wanted number available now (None: no call-out).
    response: "RowResponse | None" = None

    @property
    def gap(self) -> int:
        return max(0, self.target - self.ready)

    @property
    def status(self) -> str:
        """ "nobody" ready, "short" of the target, "units_short" (enough in all, not in
        every unit below), or "met"."""
        if not self.ready:
            return "nobody"
        if self.ready < self.target:
            return "short"
        return "units_short" if self.short_units else "met"


@dataclass(frozen=True)
class RowResponse:
    """A row's latest call-out: ``took`` from opening until every unit of the row that was
    called had its wanted number available now; ``None`` when one of them never did."""

    call_out_id: int
    is_drill: bool
    opened_at: datetime
    took: timedelta | None
    is_open: bool

    @property
    def reached(self) -> bool:
        return self.took is not None


def row_response(units, responses: dict[int, list[UnitResponse]]) -> RowResponse | None:
    """The latest call-out among ``units``' responses, summed up for the row."""
    found = [response for unit in units for response in responses.get(unit, [])]
    if not found:
        return None
    latest = max(found, key=lambda response: (response.opened_at, response.call_out_id))
    same = [response for response in found if response.call_out_id == latest.call_out_id]
    took = None if any(r.took is None for r in same) else max(r.took for r in same)
    return RowResponse(
        call_out_id=latest.call_out_id,
        is_drill=latest.is_drill,
        opened_at=latest.opened_at,
        took=took,
        is_open=latest.is_open,
    )


@dataclass(frozen=True)
class Readiness:
    crisis: list[Competency]
    policy_version: object | None  # cms.PolicyVersion
    target: int
    rows: list[ReadinessRow]
    names: list[ReadyPerson] | None  # for HR only
    trail: list[BusinessUnit] = field(default_factory=list)
    total: ReadinessRow | None = None
    # Every unit in view (at any depth) with people and nobody ready, by name.
    nobody_in: list[BusinessUnit] = field(default_factory=list)

    @property
    def without_anyone(self) -> list[ReadinessRow]:
        return [row for row in self.rows if row.people and not row.ready]


def readiness(*, scope: Scope, filters: ReportFilters, tree: UnitTree, target: int) -> Readiness:
    """Per unit, how many people could speak for it on a bad day, against ``target``; the
    names for HR. Four queries whatever the number of people: people and ready people are
    counted by unit, and rows add up their units."""
    from cms.selectors import policy_current

    visible, _anchor, specs = report_rows(scope=scope, filters=filters, tree=tree)
    top = filters.unit is None
    people = population(scope=scope, filters=filters, tree=tree)
    crisis = list(Competency.objects.filter(is_crisis_readiness=True).order_by("name"))
    version = policy_current()
    ready = crisis_ready(people, crisis=crisis, version=version, as_of=filters.end_at)
    if not crisis:
        ready = people.none()
    headcount = {
        row["unit_id"]: row["n"] for row in people.values("unit_id").annotate(n=Count("pk"))
    }
    counts = {row["unit_id"]: row["n"] for row in ready.values("unit_id").annotate(n=Count("pk"))}
    failing = {
        unit
        for unit, n in headcount.items()
        if unit is not None and n and counts.get(unit, 0) < target
    }
    # Plan B: call-outs of the units in view during the period (one query).
    responses = callout_responses(
        unit_ids={unit for spec in specs for unit in spec.units},
        start=filters.start_at,
        end=filters.end_at,
    )
    if top and headcount.get(None):
        specs.append(RowSpec(NO_UNIT_ROW, None, gettext("No unit"), frozenset(), False))

    def units_of(spec: RowSpec):
        return [None] if spec.key == NO_UNIT_ROW else list(spec.units)

    def make(spec: RowSpec, units, short) -> ReadinessRow:
        return ReadinessRow(
            spec=spec,
            people=sum(headcount.get(unit, 0) for unit in units),
            ready=sum(counts.get(unit, 0) for unit in units),
            target=target,
            short_units=short,
            response=row_response(units, responses),
        )

    rows = [
        make(spec, units_of(spec), units_short(spec, tree, failing))
        for spec in specs
        if spec.key != OWN_ROW or headcount.get(spec.unit.pk)
    ]
    total = None
    if rows:
        every = {unit for row in rows for unit in units_of(row.spec)}
        label = str(filters.unit) if filters.unit else gettext("Everyone")
        total = make(
            RowSpec(-2, filters.unit, label, frozenset(), drillable=False),
            every,
            sorted(unit for unit in failing if unit in every),
        )
        shown = every
    else:
        shown = set()
    names = None
    if scope.is_hr:
        names = [
            ReadyPerson(name=f"{first} {last}".strip() or email, unit=unit or gettext("No unit"))
            for first, last, email, unit in ready.order_by(
                "unit__name", "last_name", "first_name"
            ).values_list("first_name", "last_name", "email", "unit__name")
        ]
    trail = tree.ancestors(filters.unit.pk) if filters.unit else []
    nobody_in = sorted(
        (tree.units[unit] for unit in shown if unit is not None and headcount.get(unit)
         and not counts.get(unit) and unit in tree.units),
        key=lambda unit: unit.name,
    )  # fmt: skip
    return Readiness(
        crisis=crisis,
        policy_version=version,
        target=target,
        rows=rows,
        names=names,
        trail=[unit for unit in trail if unit.pk in visible],
        total=total,
        nobody_in=nobody_in,
    )


# --- People behind a heat map cell (HR only) ----------------------------------------------


@dataclass(frozen=True)
class PersonLevels:
    pk: int
    name: str
    email: str
    unit: str
    levels: list[int]  # one per competency, in the report's order
    last_evidence: list[datetime | None]

    @property
    def cells(self) -> list[tuple[Level, datetime | None]]:
        return [
            (Level(level), when)
            for level, when in zip(self.levels, self.last_evidence, strict=True)
        ]


def people_levels(
    people: QuerySet, *, competencies: list[Competency], as_of: datetime
) -> list[PersonLevels]:
    """Each of ``people`` (a page or a chunk of them: evaluated here) with their level in
    each competency at ``as_of`` and the date of their latest evidence. Two queries."""
    rows = list(
        people.order_by("last_name", "first_name", "pk").values_list(
            "pk", "first_name", "last_name", "email", "unit__name"
        )
    )
    ids = [row[0] for row in rows]
    found: dict[tuple[int, int], tuple[int, datetime]] = {}
    evidence = (
        CompetencyEvidence.objects.filter(user_id__in=ids, created_at__lte=as_of)
        .values("user_id", "competency_id")
        .annotate(
            shown=Max("level", filter=~Q(source_kind=Source.KNOWLEDGE_CHECK)),
            checked=Max("level", filter=Q(source_kind=Source.KNOWLEDGE_CHECK)),
            last=Max("created_at"),
        )
    )
    for row in evidence:
        level = standing_level_from_ledger(
            trainer_max=row["shown"], knowledge_check_max=row["checked"]
        )
        found[(row["user_id"], row["competency_id"])] = (level, row["last"])
    result = []
    for pk, first, last, email, unit in rows:
        cells = [found.get((pk, competency.pk), (0, None)) for competency in competencies]
        result.append(
            PersonLevels(
                pk=pk,
                name=f"{first} {last}".strip() or email,
                email=email,
                unit=unit or "",
                levels=[level for level, _when in cells],
                last_evidence=[when for _level, when in cells],
            )
        )
    return result
