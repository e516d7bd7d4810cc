"""Demo competency framework for Kestrel Rail: ten things people can do with social media.

``seed_demo`` calls :func:`demo_competencies_seed`; running it again changes nothing.
"""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from competencies.levels import Level
from competencies.models import Competency
from competencies.services import evidence_record
from demo import content
from demo.helpers import nothing_after_commit, upsert
from demo.seeds.people import _demo_staff
from people.models import User

_DATA = content.load_yaml("competencies.yaml")
# slug, name, area, description, core, crisis readiness. The order here is the sort order.
COMPETENCIES = [
    (c["slug"], c["name"], c["area"], c["description"], c["core"], c["crisis_readiness"])
    for c in _DATA["competencies"]
]


@transaction.atomic
def demo_competencies_seed() -> dict[str, int]:
    """Create or update the demo framework. Returns the number of competencies written."""
    written = 0
    for position, (slug, name, area, description, core, crisis) in enumerate(COMPETENCIES):
        _, changed = upsert(
            Competency,
            lookup={"slug": slug},
            values={
                "name": name,
                "area": area,
                "description": description,
                "is_core": core,
                "is_crisis_readiness": crisis,
                "sort_order": (position + 1) * 10,
            },
        )
        written += changed
    return {"competencies": written}


# A year of evidence for the demo staff, so that the reports have a history to show. Each
# unit has its own pace: Marketing and Customer support started early and practise a lot,
# the Control room is only starting. (The demo accounts keep an empty record of their own.)
UNIT_PACE = _DATA["history"]["unit_pace"]
HISTORY_NOTE = _DATA["history"]["note"]
HISTORY_DAYS = _DATA["history"]["days"]


def _history_for(email: str, pace: float, now):
    """Deterministic steps (competency slug, level, when) for one person."""
    rng = random.Random(email)
    steps = []
    for slug, _name, _area, _description, core, crisis in COMPETENCIES:
        chance = min(0.95, pace + (0.1 if core else 0.0))
        if rng.random() > chance + 0.2:
            continue  # nothing shown yet in this competency
        level = Level.AWARE
        for higher, factor in ((Level.PRACTISING, 1.0), (Level.PROFICIENT, 0.55),
                               (Level.COACH, 0.2 if crisis or slug == "advocacy-and-coaching"
                                else 0.12)):  # fmt: skip
            if rng.random() < chance * factor:
                level = higher
            else:
                break
        started = rng.randint(30, HISTORY_DAYS)
        for step in range(Level.AWARE, level + 1):
            days_ago = max(1, started - (step - 1) * rng.randint(20, 60))
            steps.append((slug, step, now - timedelta(days=days_ago, hours=rng.randint(0, 9))))
    return steps


@transaction.atomic
def demo_history_seed() -> dict[str, int]:
    """Give each demo staff member a year of evidence, once: people who already have some
    demo history are left as they are. Returns the number of evidence rows written."""
    trainer = User.objects.filter(email="trainer@spoke.example").first()
    if trainer is None:
        return {"evidence": 0}
    competencies = {c.slug: c for c in Competency.objects.all()}
    staff = {email: unit for email, _f, _l, unit, _r, _m in _demo_staff()}
    people = User.objects.filter(email__in=list(staff)).exclude(
        competency_evidence__note=HISTORY_NOTE
    )
    now = timezone.now()
    with nothing_after_commit():  # history, not news: nobody is told, nothing re-checked now
        written = _history_write(people, staff, competencies, trainer, now)
    return {"evidence": written}


def _history_write(people, staff, competencies, trainer, now) -> int:
    written = 0
    for person in people:
        for slug, level, when in _history_for(
            person.email, UNIT_PACE.get(staff[person.email], 0.3), now
        ):
            if slug not in competencies:
                continue
            evidence_record(
                user=person,
                competency=competencies[slug],
                level=level,
                source=None,
                awarded_by=trainer,
                note=HISTORY_NOTE,
                recorded_at=when,
            )
            written += 1
    return written
