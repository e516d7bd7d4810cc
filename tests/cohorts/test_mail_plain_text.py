"""A cohort invitation sent through the service keeps names with ' & < " as typed."""

import pytest
from django.core import mail

from cohorts.models import Cohort
from cohorts.services import enrollment_invite
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
NAME = 'Sales & Support <EMEA> "Q1" O\'Neil'


def test_invitation_subject_and_text_keep_the_cohort_name(cohort, cohort_trainer, committed):
    """Subject and text say the name as typed; the HTML part escapes it."""
    cohort.name = NAME
    cohort.enrollment_mode = Cohort.EnrollmentMode.INVITATION
    cohort.save()
    cohort_trainer.first_name = "Seán"
    cohort_trainer.last_name = "O'Neil"
    cohort_trainer.save()
    person = UserFactory(first_name="Zoë & <Co>")
    with committed():
        enrollment_invite(cohort=cohort, users=[person], by=cohort_trainer)
    (message,) = mail.outbox
    assert message.subject == f"You are invited to {NAME}"
    assert "Hello Zoë & <Co>," in message.body
    assert NAME in message.body
    assert "Seán O'Neil" in message.body
    html = message.alternatives[0].content
    assert "Sales &amp; Support &lt;EMEA&gt;" in html
    assert NAME not in html
