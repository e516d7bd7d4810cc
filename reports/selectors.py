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
    Exists,
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

from assessments.models import Submission
from cohorts.models import Attendance, Cohort, Enrollment, Session
from competencies.levels import KNOWLEDGE_CHECK_CAP, Level
from competencies.models import Competency, CompetencyEvidence
from competencies.services import standing_level_from_ledger
from courses.models import CoursePage
from people.models import BusinessUnit, User

from .filters import ReportFilters
from .scope import Scope, UnitTree

OWN_ROW = 0  # people directly in the unit being looked at (not in a sub-unit)
NO_UNIT_ROW = -1  # people with no unit, at the top of the tree

Source = CompetencyEvidence.Source


def population(*, scope: Scope, filters: ReportFilters, tree: UnitTree) -> QuerySet[User]:
    """The active people a report counts: in the viewer's scope, in the chosen unit and its
    sub-units, and, when a course or cohort is chosen, holding a place in it."""
    people = User.objects.filter(is_active=True)
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


def allowed_units(*, scope: Scope, tree: UnitTree) -> set[int]:
    """The units a viewer may choose: all for HR; for a manager, the units where their
    people are and the units above them (to move around the tree)."""
    if scope.people is None:
        return set(tree.units)
    units = set(
        User.objects.filter(pk__in=scope.people, unit__isnull=False)
        .values_list("unit_id", flat=True)
        .distinct()
    )
    for pk in list(units):
        units.update(unit.pk for unit in tree.ancestors(pk))
    return units


# --- Rows: the units a report shows side by side -----------------------------------------


@dataclass(frozen=True)
class RowSpec:
    key: int  # a unit id, OWN_ROW or NO_UNIT_ROW
    unit: BusinessUnit | None
    label: str
    units: frozenset[int]  # the unit ids counted in this row
    drillable: bool


def row_specs(*, filters: ReportFilters, tree: UnitTree, visible: set[int]) -> list[RowSpec]:
    """The rows under the unit looked at: each child unit with everything below it, then
    the people directly in the unit. At the top, the top units and people with no unit.
    Only units in ``visible`` (the viewer's) are shown."""
    parent = filters.unit.pk if filters.unit else None
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
    if filters.unit is not None:
        rows.append(
            RowSpec(
                key=OWN_ROW,
                unit=filters.unit,
                label=str(filters.unit),
                units=frozenset({filters.unit.pk}),
                drillable=False,
            )
        )
    return rows


def row_case(specs: list[RowSpec], *, unit_field: str = "unit_id", top: bool) -> Case:
    """A ``CASE`` giving each person the key of the row they are counted in."""
    whens = [
        When(**{f"{unit_field}__in": list(spec.units)}, then=Value(spec.key)) for spec in specs
    ]
    if top:
        whens.append(When(**{f"{unit_field}__isnull": True}, then=Value(NO_UNIT_ROW)))
    return Case(*whens, default=Value(None), output_field=IntegerField())


def level_reached(level: int) -> Q:
    """Evidence that shows ``level`` or above (knowledge checks show "aware" at most)."""
    shown = Q(level__gte=level)
    if level > KNOWLEDGE_CHECK_CAP:
        shown &= ~Q(source_kind=Source.KNOWLEDGE_CHECK)
    return shown


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
    visible = allowed_units(scope=scope, tree=tree)
    specs = row_specs(filters=filters, tree=tree, visible=visible)
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
    months: list[datetime]
    rows: list[AdoptionRow]
    total: AdoptionRow | None
    core: list[Competency]
    trail: list[BusinessUnit] = field(default_factory=list)

    def status(self, row: AdoptionRow) -> str:
        """ "past" the line, "near" it (at least half way) or "far" from it."""
        if row.percent >= self.line:
            return "past"
        return "near" if row.percent >= self.line / 2 else "far"


def adoption(
    *, scope: Scope, filters: ReportFilters, tree: UnitTree, line: int, months: int = 12
) -> Adoption:
    """Per unit: how many people practise in every core competency (now, and at the end
    of each of the last ``months`` months), how many are on the advocacy roster, against
    the tipping-point ``line``. Two queries whatever the number of people."""
    from advocacy.models import RosterMembership

    visible = allowed_units(scope=scope, tree=tree)
    specs = row_specs(filters=filters, tree=tree, visible=visible)
    top = filters.unit is None
    people = population(scope=scope, filters=filters, tree=tree)
    core = list(Competency.objects.filter(is_core=True).order_by("name"))
    ends = month_ends(end=filters.end_at, count=months)

    on_roster = RosterMembership.objects.filter(
        user_id=OuterRef("pk"), status__in=RosterMembership.ON_ROSTER
    )
    counted = with_adoption(
        people.annotate(row=row_case(specs, top=top), on_roster=Exists(on_roster)),
        core=core,
        as_of=ends[-1],
    )
    # People by row and by the month they adopted in (one group for "not yet"): the trend
    # is then a running sum over at most thirteen months per row, not a pass over people.
    figures: dict[int, dict] = {}
    for group in counted.values(
        "row", month=TruncMonth("adopted_at", tzinfo=ends[-1].tzinfo)
    ).annotate(n=Count("pk"), roster=Count("pk", filter=Q(on_roster=True))):
        figure = figures.setdefault(group["row"], {"n": 0, "roster": 0, "months": {}})
        figure["n"] += group["n"]
        figure["roster"] += group["roster"]
        figure["months"][group["month"]] = group["n"]
    for figure in figures.values():
        for index, moment in enumerate(ends):
            figure[f"m{index}"] = sum(
                n
                for month, n in figure["months"].items()
                if month.year < NEVER.year and month <= moment
            )
    if top and NO_UNIT_ROW in figures:
        specs.append(RowSpec(NO_UNIT_ROW, None, gettext("No unit"), frozenset(), drillable=False))

    def make(spec: RowSpec, figure: dict) -> AdoptionRow:
        trend = [figure.get(f"m{index}", 0) for index in range(len(ends))]
        return AdoptionRow(
            spec=spec,
            people=figure.get("n", 0),
            adopted=trend[-1] if trend else 0,
            on_roster=figure.get("roster", 0),
            trend=trend,
        )

    rows = [
        make(spec, figures.get(spec.key, {}))
        for spec in specs
        if spec.key != OWN_ROW or figures.get(OWN_ROW, {}).get("n")
    ]
    total = None
    if rows:
        summed = {"n": sum(r.people for r in rows), "roster": sum(r.on_roster for r in rows)}
        for index in range(len(ends)):
            summed[f"m{index}"] = sum(r.trend[index] for r in rows)
        label = str(filters.unit) if filters.unit else gettext("Everyone")
        total = make(RowSpec(-2, filters.unit, label, frozenset(), drillable=False), summed)
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
    # One row per decision, not per person: a median needs the values themselves.
    decided = work.filter(review__isnull=False).values_list(
        "cohort_id", "submitted_at", "review__decided_at"
    )
    for cohort_id, submitted_at, decided_at in decided:
        hours = (decided_at - submitted_at).total_seconds() / 3600
        rows[cohort_id].review_hours.append(max(0.0, hours))


# --- Hub and spoke --------------------------------------------------------------------------


@dataclass(frozen=True)
class Champion:
    pk: int
    name: str
    unit_id: int
    is_ambassador: bool
    is_coach: bool


@dataclass
class Spoke:
    unit: BusinessUnit
    depth: int
    people: int = 0
    advocates: int = 0
    adopted: int = 0
    champions: list[Champion] = field(default_factory=list)

    @property
    def percent(self) -> float:
        return round(100 * self.adopted / self.people, 1) if self.people else 0.0


@dataclass(frozen=True)
class HubAndSpoke:
    hub: list[BusinessUnit]
    spokes: list[Spoke]
    line: int

    @property
    def without_champion(self) -> list[Spoke]:
        return [spoke for spoke in self.spokes if spoke.people and not spoke.champions]


def hub_and_spoke(
    *, scope: Scope, filters: ReportFilters, tree: UnitTree, line: int
) -> HubAndSpoke:
    """Every spoke (with the units below it) and what it has of its own: champions
    (active ambassadors, or people at "coach" level in some competency), active advocates
    and its adoption share. Three queries: people counted by unit, champions, the units."""
    from advocacy.models import RosterMembership, Tier

    visible = allowed_units(scope=scope, tree=tree)
    people = population(scope=scope, filters=filters, tree=tree)
    core = list(Competency.objects.filter(is_core=True))
    as_of = filters.end_at
    active = RosterMembership.objects.filter(
        user_id=OuterRef("pk"), status=RosterMembership.Status.ACTIVE
    )
    counted = with_adoption(people, core=core, as_of=as_of)
    by_unit = {
        row["unit_id"]: row
        for row in counted.annotate(
            advocate=Exists(active.filter(tier=Tier.ADVOCATE)),
        )
        .values("unit_id")
        .annotate(
            n=Count("pk"),
            advocates=Count("pk", filter=Q(advocate=True)),
            adopted=Count("pk", filter=Q(adopted_at__lt=NEVER)),
        )
    }
    coach = CompetencyEvidence.objects.filter(
        level_reached(Level.COACH), user_id=OuterRef("pk"), created_at__lte=as_of
    )
    champions = [
        Champion(
            pk=row["pk"],
            name=f"{row['first_name']} {row['last_name']}".strip() or row["email"],
            unit_id=row["unit_id"],
            is_ambassador=row["ambassador"],
            is_coach=row["coach"],
        )
        for row in people.filter(unit__isnull=False)
        .annotate(ambassador=Exists(active.filter(tier=Tier.AMBASSADOR)), coach=Exists(coach))
        .filter(Q(ambassador=True) | Q(coach=True))
        .order_by("last_name", "first_name", "pk")
        .values("pk", "first_name", "last_name", "email", "unit_id", "ambassador", "coach")
    ]
    spokes = []
    root = filters.unit.pk if filters.unit else None

    def walk(parent, depth):
        for pk in tree.children.get(parent, ()):
            unit = tree.units[pk]
            if unit.kind == BusinessUnit.Kind.SPOKE and pk in visible:
                below = tree.subtree(pk)
                spoke = Spoke(unit=unit, depth=depth)
                for unit_id in below:
                    figures = by_unit.get(unit_id, {})
                    spoke.people += figures.get("n", 0)
                    spoke.advocates += figures.get("advocates", 0)
                    spoke.adopted += figures.get("adopted", 0)
                spoke.champions = [c for c in champions if c.unit_id in below]
                spokes.append(spoke)
                walk(pk, depth + 1)
            else:
                walk(pk, depth)

    if root is not None and tree.units[root].kind == BusinessUnit.Kind.SPOKE:
        walk(tree.units[root].parent_id, 0)
        spokes = [s for s in spokes if s.unit.pk in tree.subtree(root)]
    else:
        walk(root, 0)
    hub = [unit for unit in tree.units.values() if unit.kind == BusinessUnit.Kind.HUB]
    return HubAndSpoke(hub=hub, spokes=[s for s in spokes if s.people], line=line)


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

    @property
    def gap(self) -> int:
        return max(0, self.target - self.ready)

    @property
    def status(self) -> str:
        """ "nobody" ready, "short" of the target, or "met"."""
        if not self.ready:
            return "nobody"
        return "met" if self.ready >= self.target else "short"


@dataclass(frozen=True)
class Readiness:
    crisis: list[Competency]
    policy_version: object | None  # cms.PolicyVersion
    target: int
    rows: list[ReadinessRow]
    names: list[ReadyPerson] | None  # for HR only
    trail: list[BusinessUnit] = field(default_factory=list)

    @property
    def without_anyone(self) -> list[ReadinessRow]:
        return [row for row in self.rows if row.people and not row.ready]


def crisis_ready(people: QuerySet, *, crisis: list[Competency], version, as_of: datetime):
    """``people`` narrowed to those ready for a bad day: proficient or above in every
    crisis-readiness competency, and (when a policy is published) having acknowledged its
    current version."""
    from advocacy.models import PolicyAcknowledgement

    for competency in crisis:
        people = people.filter(
            Exists(
                CompetencyEvidence.objects.filter(
                    level_reached(Level.PROFICIENT),
                    user_id=OuterRef("pk"),
                    competency=competency,
                    created_at__lte=as_of,
                )
            )
        )
    if version is not None:
        people = people.filter(
            Exists(PolicyAcknowledgement.objects.filter(user_id=OuterRef("pk"), version=version))
        )
    return people


def readiness(*, scope: Scope, filters: ReportFilters, tree: UnitTree, target: int) -> Readiness:
    """Per unit, how many people could speak for it on a bad day, against ``target``; the
    names for HR. Four queries whatever the number of people."""
    from cms.selectors import policy_current

    visible = allowed_units(scope=scope, tree=tree)
    specs = row_specs(filters=filters, tree=tree, visible=visible)
    top = filters.unit is None
    people = population(scope=scope, filters=filters, tree=tree)
    crisis = list(Competency.objects.filter(is_crisis_readiness=True).order_by("name"))
    version = policy_current()
    ready = crisis_ready(people, crisis=crisis, version=version, as_of=filters.end_at)
    if not crisis:
        ready = people.none()
    case = row_case(specs, top=top)
    headcount = {
        row["row"]: row["n"]
        for row in people.annotate(row=case).values("row").annotate(n=Count("pk"))
    }
    counts = {
        row["row"]: row["n"]
        for row in ready.annotate(row=case).values("row").annotate(n=Count("pk"))
    }
    if top and headcount.get(NO_UNIT_ROW):
        specs.append(RowSpec(NO_UNIT_ROW, None, gettext("No unit"), frozenset(), False))
    rows = [
        ReadinessRow(
            spec=spec,
            people=headcount.get(spec.key, 0),
            ready=counts.get(spec.key, 0),
            target=target,
        )
        for spec in specs
        if spec.key != OWN_ROW or headcount.get(OWN_ROW)
    ]
    names = None
    if scope.is_hr:
        names = [
            ReadyPerson(name=f"{first} {last}".strip() or email, unit=unit or gettext("No unit"))
            for first, last, email, unit in ready.order_by(
                "unit__name", "last_name", "first_name"
            ).values_list("first_name", "last_name", "email", "unit__name")
        ]
    trail = tree.ancestors(filters.unit.pk) if filters.unit else []
    return Readiness(
        crisis=crisis,
        policy_version=version,
        target=target,
        rows=rows,
        names=names,
        trail=[unit for unit in trail if unit.pk in visible],
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
