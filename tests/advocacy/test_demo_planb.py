"""Demo Plan B: a drill and a real call-out, replayed through the services, seen by the
lead at /plan-b/ and by HR in the readiness report; seeded once, and without a message."""

import io
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from advocacy.models import CallOut
from core.models import NotificationLog
from demo.seeds.planb import demo_planb_seed
from people.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=io.StringIO())


def test_the_demo_has_a_drill_and_a_call_out_that_closed_short(demo, client):
    drill = CallOut.objects.get(is_drill=True)
    real = CallOut.objects.get(is_drill=False)
    assert not drill.is_open
    assert not real.is_open
    reached = {row.unit.slug: row.reached_at for row in drill.units.select_related("unit")}
    assert reached["customer-support"] is not None
    assert reached["operations"] is None
    assert real.units.get().reached_at is None
    assert drill.responders.exclude(answer="pending").exists()
    assert not mail.outbox
    assert not NotificationLog.objects.filter(key__startswith="planb:").exists()
    assert demo_planb_seed() == {"call-outs": 0}

    client.force_login(User.objects.get(email="lead@spoke.example"))
    body = client.get(reverse("planb:list")).content.decode()
    assert drill.title in body
    assert real.title in body

    client.force_login(User.objects.get(email="hr@spoke.example"))
    response = client.get(reverse("reports:readiness"))
    found = {row.spec.label: text for row, _q, _s, text in response.context["rows"]}
    assert found["Operations"] == "not reached"
    assert re.fullmatch(r"\d+ min \(drill\)", found["Customer support"])


def test_the_demo_has_a_coach_with_feedback_one_endorsed(demo, client):
    """Amira coaches the running cohort: one piece of feedback endorsed (a Coach-level row
    in her ledger), one waiting for the trainer; running the step again writes nothing."""
    from advocacy.models import CoachFeedback
    from competencies.models import CompetencyEvidence
    from demo.seeds.coaching import demo_coaching_seed

    amira = User.objects.get(email="amira.abbas@spoke.example")
    feedback = list(CoachFeedback.objects.filter(coach=amira).order_by("pk"))
    assert len(feedback) == 2
    assert [item.endorsed_at is not None for item in feedback] == [True, False]
    assert (
        CompetencyEvidence.objects.filter(
            user=amira, source_kind=CompetencyEvidence.Source.COACHING, level=4
        ).count()
        == 1
    )
    assert demo_coaching_seed() == {"coaches": 0, "feedback": 0, "competencies marked": 0}
    client.force_login(User.objects.get(email="trainer@spoke.example"))
    review = reverse("assessments_admin:review", args=[feedback[1].submission_id])
    assert "Endorse this coaching" in client.get(review).content.decode()
