"""Demo coaching for Kestrel Rail: an ambassador coaches the running cohort, with feedback
on two pieces of its practice work; the trainer endorsed one (so the coach has a
"Coach"-level row in the ledger) and finds the other waiting on the review screen.

The content is ``demo/content/coaching.yaml``; everything goes through
``advocacy.coaching``. Run again, it writes nothing. Nothing is sent
(:func:`demo.helpers.nothing_after_commit`).
"""

from django.db import transaction

from advocacy.coaching import coach_appoint, coach_feedback_endorse, coach_feedback_give
from advocacy.models import CoachFeedback, CohortCoach
from assessments.models import Submission
from cohorts.models import Cohort
from competencies.models import Competency
from demo.content import load_yaml
from demo.helpers import nothing_after_commit
from people.models import User


def demo_coaching_seed() -> dict[str, int]:
    content = load_yaml("coaching.yaml")
    written = {"coaches": 0, "feedback": 0}
    with transaction.atomic(), nothing_after_commit():
        updated = Competency.objects.filter(
            slug=content["coaching_competency"], is_coaching=False
        ).update(is_coaching=True)
        written["competencies marked"] = updated
        for plan in content["coaches"]:
            cohort = Cohort.objects.filter(name=plan["cohort"]).first()
            coach = User.objects.filter(email=plan["coach"]).first()
            if cohort is None or coach is None:
                continue
            if not CohortCoach.objects.filter(cohort=cohort, coach=coach).exists():
                coach_appoint(
                    cohort=cohort, coach=coach, by=User.objects.get(email=plan["asked_by"])
                )
                written["coaches"] += 1
            for item in plan["feedback"]:
                written["feedback"] += _feedback(cohort, coach, item)
    return written


def _feedback(cohort: Cohort, coach: User, item: dict) -> int:
    work = (
        Submission.objects.filter(cohort=cohort, status=item["status"])
        .exclude(user=coach)
        .order_by("submitted_at", "pk")
    )
    given = set(CoachFeedback.objects.filter(coach=coach).values_list("submission_id", flat=True))
    if work.filter(pk__in=given).exists():
        return 0  # seeded before
    submission = work.first()
    if submission is None:
        return 0
    feedback = coach_feedback_give(
        submission=submission, coach=coach, text=item["text"], criteria=[]
    )
    if item.get("endorsed_by"):
        coach_feedback_endorse(feedback=feedback, by=User.objects.get(email=item["endorsed_by"]))
    return 1
