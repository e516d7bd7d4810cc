"""A cohort coached by an ambassador, counted by hand.

"Replying well" (trainer Tara): Lena handed in (attempt 1), Liam has a draft,
                                Amira (the coach) handed in her own work too
"Other group"   (trainer Otto): Olly handed in
Amira: active ambassador; Bob: active advocate; Coaching: the coaching competency
"""

from dataclasses import dataclass

from advocacy.coaching import coach_appoint
from advocacy.models import RosterMembership, Tier
from assessments.models import Assignment, Submission
from cohorts.models import Cohort
from competencies.models import Competency
from tests.assessments.helpers_review import assignment_for, attempt, member, running_cohort
from tests.factories import CompetencyFactory, EnrollmentFactory, UserFactory, add_role
from tests.factories.advocacy import RosterMembershipFactory

Status = Submission.Status


@dataclass
class CoachingWorld:
    cohort: Cohort
    other: Cohort
    assignment: Assignment
    coaching: Competency
    people: dict
    work: dict


def coaching_world(*, trainer) -> CoachingWorld:
    cohort = running_cohort(trainers=[trainer], name="Replying well")
    otto = add_role(UserFactory(email="otto@spoke.example", first_name="Otto"), "Trainer")
    other = running_cohort(trainers=[otto], name="Other group")
    assignment = assignment_for(cohort, title="Reply to a complaint")
    other_assignment = assignment_for(other, title="Reply elsewhere")
    coaching = CompetencyFactory(name="Coaching", is_coaching=True)
    amira = UserFactory(email="amira@spoke.example", first_name="Amira", last_name="Abbas")
    bob = UserFactory(email="bob@spoke.example", first_name="Bob", last_name="Baker")
    RosterMembershipFactory(user=amira, tier=Tier.AMBASSADOR, status=RosterMembership.Status.ACTIVE)
    RosterMembershipFactory(user=bob, tier=Tier.ADVOCATE, status=RosterMembership.Status.ACTIVE)
    EnrollmentFactory(cohort=cohort, user=amira)
    lena = member(cohort, email="lena@spoke.example", first_name="Lena", last_name="Reed")
    liam = member(cohort, email="liam@spoke.example", first_name="Liam", last_name="Ng")
    olly = member(other, email="olly@spoke.example", first_name="Olly", last_name="Ott")
    work = {
        "lena": attempt(assignment, cohort, lena),
        "liam": attempt(assignment, cohort, liam, status=Status.DRAFT),
        "amira": attempt(assignment, cohort, amira),
        "olly": attempt(other_assignment, other, olly),
    }
    coach_appoint(cohort=cohort, coach=amira, by=trainer)
    return CoachingWorld(
        cohort=cohort,
        other=other,
        assignment=assignment,
        coaching=coaching,
        people={"amira": amira, "bob": bob, "lena": lena, "liam": liam, "olly": olly,
                "otto": otto, "tara": trainer},
        work=work,
    )  # fmt: skip
