"""Reads about the competency framework and a person's standings in it."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from core.pagecache import stamped

from .levels import KNOWLEDGE_CHECK_CAP, LEVEL_DESCRIPTIONS, Level
from .models import Competency, CompetencyEvidence, CompetencyStanding

TOP_LEVEL = max(Level)


def level_reached(level: int) -> Q:
    """A filter on ``CompetencyEvidence``: evidence that shows ``level`` or above (knowledge
    checks show "aware" at most). The one statement of how evidence reaches a level, for
    the reports and the roster's readiness rule."""
    shown = Q(level__gte=level)
    if level > KNOWLEDGE_CHECK_CAP:
        shown &= ~Q(source_kind=CompetencyEvidence.Source.KNOWLEDGE_CHECK)
    return shown


def level_text(level: int) -> str:
    """A level in words that need no colour to be read, e.g. "Practising (2 of 4)"."""
    level = Level(level)
    return _("%(name)s (%(level)d of %(top)d)") % {
        "name": level.label,
        "level": level.value,
        "top": TOP_LEVEL.value,
    }


def level_scale() -> list[dict]:
    """Every level of the scale, lowest first, with its plain-language description."""
    return [
        {"level": level, "name": level.label, "description": LEVEL_DESCRIPTIONS[level]}
        for level in Level
    ]


@dataclass(frozen=True)
class EvidenceLine:
    """One ledger row as a person reads it."""

    recorded_at: datetime
    level: Level
    source_label: str
    awarded_by_name: str
    note: str

    @property
    def level_text(self) -> str:
        return level_text(self.level)


@dataclass(frozen=True)
class StandingLine:
    """One competency with the person's current level and the evidence behind it."""

    competency: Competency
    level: Level
    evidence: list[EvidenceLine] = field(default_factory=list)

    @property
    def level_name(self) -> str:
        return self.level.label

    @property
    def level_text(self) -> str:
        return level_text(self.level)

    @property
    def level_description(self) -> str:
        return LEVEL_DESCRIPTIONS[self.level]

    @property
    def meter(self) -> list[bool]:
        """One flag per step above "not yet": reached or not."""
        return [self.level >= step for step in Level if step > Level.NOT_YET]


def competency_list() -> QuerySet[Competency]:
    """The whole framework, in the order trainers set (sort order, then name)."""
    return Competency.objects.order_by("sort_order", "name")


def standings_for_user(*, user) -> list[StandingLine]:
    """Every competency with ``user``'s level (0 without a standing) and evidence, newest first.

    Three queries whatever the size of the framework or the ledger: the competencies, the
    person's standings, and the person's evidence with who awarded it.
    """
    competencies = list(competency_list())
    levels = dict(
        CompetencyStanding.objects.filter(user=user).values_list("competency_id", "level")
    )
    evidence: dict[int, list[EvidenceLine]] = defaultdict(list)
    rows = (
        CompetencyEvidence.objects.filter(user=user)
        .select_related("awarded_by")
        .order_by("-created_at", "-pk")
    )
    for row in rows:
        evidence[row.competency_id].append(
            EvidenceLine(
                recorded_at=row.created_at,
                level=Level(row.level),
                source_label=row.get_source_kind_display(),
                awarded_by_name=row.awarded_by.display_name if row.awarded_by else "",
                note=row.note,
            )
        )
    return [
        StandingLine(
            competency=competency,
            level=Level(levels.get(competency.pk, Level.NOT_YET)),
            evidence=evidence.get(competency.pk, []),
        )
        for competency in competencies
    ]


def standings_by_area(lines: list[StandingLine]) -> list[tuple[str, list[StandingLine]]]:
    """Group standing lines by area, areas in the order their first competency appears."""
    groups: dict[str, list[StandingLine]] = {}
    for line in lines:
        groups.setdefault(line.competency.area, []).append(line)
    return list(groups.items())


@dataclass(frozen=True)
class StandingSummary:
    """A person's standings at a glance, for the dashboard."""

    competency_total: int
    level_counts: list[tuple[Level, int]]
    held: list[StandingLine]

    @property
    def has_evidence(self) -> bool:
        return bool(self.held)


def standing_summary_for_user(*, user) -> StandingSummary:
    """How many competencies ``user`` holds at each level, and those above "not yet".

    Two queries: the number of competencies (kept until the content stamp changes), and
    the person's standings with their competencies. ``held`` is ordered highest level
    first, then in framework order.
    """
    total = stamped("competencies:count", Competency.objects.count)
    standings = (
        CompetencyStanding.objects.filter(user=user, level__gt=Level.NOT_YET)
        .select_related("competency")
        .order_by("-level", "competency__sort_order", "competency__name")
    )
    held = [StandingLine(competency=s.competency, level=Level(s.level)) for s in standings]
    counts = dict.fromkeys(Level, 0)
    for line in held:
        counts[line.level] += 1
    counts[Level.NOT_YET] = max(total - len(held), 0)
    return StandingSummary(
        competency_total=total,
        level_counts=[(level, counts[level]) for level in reversed(Level)],
        held=held,
    )
