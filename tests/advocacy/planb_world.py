"""A small company for Plan B call-outs, counted by hand.

    Hub (hub)
    ├── Alpha          Ann (ready), Abe (active advocate, not ready), Amy (nothing),
    │   │              Ada-gone (ready, inactive)
    │   └── Alpha One  Ari (ready)
    ├── Beta           Bea (ready)
    └── Gamma          Gus (ready), Gil (nothing)

Ready = proficient in the crisis competency (no policy published: no acknowledgement asked).
"""

from dataclasses import dataclass

from advocacy.models import RosterMembership
from competencies.levels import Level
from competencies.services import evidence_record
from people.models import BusinessUnit
from tests.factories import BusinessUnitFactory, CompetencyFactory, UserFactory
from tests.factories.advocacy import RosterMembershipFactory


@dataclass
class PlanBWorld:
    hub: BusinessUnit
    alpha: BusinessUnit
    alpha_one: BusinessUnit
    beta: BusinessUnit
    gamma: BusinessUnit
    people: dict


def make_ready(person, competency, *, by) -> None:
    evidence_record(
        user=person, competency=competency, level=Level.PROFICIENT, source=None, awarded_by=by
    )


def planb_world() -> PlanBWorld:
    hub = BusinessUnitFactory(name="Hub", kind=BusinessUnit.Kind.HUB)
    alpha = BusinessUnitFactory(name="Alpha", parent=hub)
    alpha_one = BusinessUnitFactory(name="Alpha One", parent=alpha)
    beta = BusinessUnitFactory(name="Beta", parent=hub)
    gamma = BusinessUnitFactory(name="Gamma", parent=hub)
    crisis = CompetencyFactory(name="Crisis comms", is_crisis_readiness=True)

    def person(name, unit, **fields):
        return UserFactory(
            email=f"{name}@spoke.example", first_name=name.capitalize(), last_name="Test",
            unit=unit, **fields,
        )  # fmt: skip

    people = {
        "ann": person("ann", alpha),
        "abe": person("abe", alpha),
        "amy": person("amy", alpha),
        "ada": person("ada", alpha, is_active=False),
        "ari": person("ari", alpha_one),
        "bea": person("bea", beta),
        "gus": person("gus", gamma),
        "gil": person("gil", gamma),
    }
    coach = UserFactory(email="tom.trainer@spoke.example", first_name="Tom", last_name="Trainer")
    for name in ("ann", "ada", "ari", "bea", "gus"):
        make_ready(people[name], crisis, by=coach)
    RosterMembershipFactory(user=people["abe"], status=RosterMembership.Status.ACTIVE)
    return PlanBWorld(
        hub=hub, alpha=alpha, alpha_one=alpha_one, beta=beta, gamma=gamma, people=people
    )
