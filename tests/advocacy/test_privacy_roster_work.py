"""Plan B answers and call-outs are in a person's copy and stay (pseudonymised) at erasure,
for the readiness report's figures."""

from django.utils import timezone

from advocacy.models import CallOut, CallOutResponder, CallOutUnit
from advocacy.privacy import personal_data_erase, personal_data_export
from tests.factories import BusinessUnitFactory, UserFactory


def test_plan_b_answers_in_the_copy_and_kept_at_erasure(db):
    now = timezone.now()
    lead, ann = UserFactory(), UserFactory()
    call_out = CallOut.objects.create(
        title="Trains stuck", brief="b", channels="X", holding_statement="h",
        opened_at=now, opened_by=lead, is_drill=True,
    )  # fmt: skip
    unit = CallOutUnit.objects.create(call_out=call_out, unit=BusinessUnitFactory())
    CallOutResponder.objects.create(
        call_out=call_out, called_for=unit, user=ann, circle="ready", answer="now",
        called_at=now, answered_at=now,
    )  # fmt: skip
    data = personal_data_export(user=ann)[0].data
    assert data["plan_b_calls"][0]["call_out"] == "Trains stuck"
    assert data["plan_b_calls"][0]["answer"] == "now"
    assert personal_data_export(user=lead)[0].data["plan_b_opened_or_closed"][0]["call_out"] == (
        "Trains stuck"
    )
    erased = personal_data_erase(user=ann, pseudonym="x")
    assert erased.kept["Plan B answers"] == 1
    assert CallOutResponder.objects.filter(user=ann).exists()
