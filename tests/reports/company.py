"""A small company whose numbers are counted by hand in the tests.

    Hub ─┬─ Alpha ── Alpha One      Listening and Crisis are core competencies.
         └─ Beta

    hub:       Hugo (direct)
    Alpha:     Ann (Listening: practising), Abe (Crisis: practising, on 10 Jan 2026)
    Alpha One: Ari (Listening: proficient)
    Beta:      Bea (Listening: aware, from a knowledge check), Ben (left the company)

Max manages Ann (a manager herself), who manages Ari: Max's people are Ann and Ari.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from competencies.models import Competency, CompetencyEvidence
from competencies.services import evidence_record
from people.models import BusinessUnit, User
from tests.factories import BusinessUnitFactory, CompetencyFactory, UserFactory, add_role


@dataclass
class Company:
    hub: BusinessUnit
    alpha: BusinessUnit
    alpha_one: BusinessUnit
    beta: BusinessUnit
    listening: Competency
    crisis: Competency
    people: dict[str, User]
    max: User


def give(person, competency, level, *, by, when=None, knowledge_check=False):
    """Evidence for ``person``: a trainer's award through the ledger's one way in, or a
    knowledge-check row (aware at most); ``when`` dates it in the past."""
    if knowledge_check:
        return CompetencyEvidence.objects.create(
            user=person,
            competency=competency,
            level=level,
            source_kind=CompetencyEvidence.Source.KNOWLEDGE_CHECK,
            **({"created_at": when} if when else {}),
        )
    return evidence_record(
        user=person, competency=competency, level=level, source=None, awarded_by=by,
        recorded_at=when,
    )  # fmt: skip


def small_company() -> Company:
    """Build the company described at the top of this module."""
    coach = add_role(UserFactory(first_name="Cora"), "Trainer")
    hub = BusinessUnitFactory(name="Hub", kind=BusinessUnit.Kind.HUB)
    alpha = BusinessUnitFactory(name="Alpha", parent=hub)
    alpha_one = BusinessUnitFactory(name="Alpha One", parent=alpha)
    beta = BusinessUnitFactory(name="Beta", parent=hub)
    listening = CompetencyFactory(name="Listening", is_core=True)
    crisis = CompetencyFactory(name="Crisis", is_core=True, is_crisis_readiness=True)
    max_ = UserFactory(first_name="Max", last_name="Boss", role=User.Role.MANAGER, unit=hub)
    people = {
        "hugo": UserFactory(first_name="Hugo", unit=hub),
        "ann": UserFactory(first_name="Ann", unit=alpha, role=User.Role.MANAGER, manager=max_),
        "abe": UserFactory(first_name="Abe", unit=alpha),
        "bea": UserFactory(first_name="Bea", unit=beta),
        "ben": UserFactory(first_name="Ben", unit=beta, is_active=False),
    }
    people["ari"] = UserFactory(first_name="Ari", unit=alpha_one, manager=people["ann"])
    give(people["ann"], listening, 2, by=coach)
    give(people["ari"], listening, 3, by=coach)
    give(people["bea"], listening, 1, by=coach, knowledge_check=True)
    give(people["abe"], crisis, 2, by=coach, when=datetime(2026, 1, 10, 9, tzinfo=UTC))
    give(people["ben"], crisis, 4, by=coach)
    return Company(hub, alpha, alpha_one, beta, listening, crisis, people, max_)
