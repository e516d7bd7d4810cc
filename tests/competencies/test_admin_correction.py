"""The admin's "Correct a level" screen: site admins only, a clear message, nothing lost."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from competencies.levels import Level
from competencies.models import CompetencyEvidence, CompetencyStanding
from competencies.services import evidence_record
from tests.factories import CompetencyFactory

pytestmark = pytest.mark.django_db

URL = "competencies_admin_correct"


@pytest.fixture
def competency(db):
    return CompetencyFactory(name="Publishing")


@pytest.mark.parametrize("who", ["trainer", "hr", "learner"])
def test_others_are_refused(client, request, who):
    """Trainers, HR and learners cannot open it."""
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse(URL)).status_code in (HTTPStatus.FORBIDDEN, HTTPStatus.FOUND)


def test_anonymous_is_sent_to_log_in(client, db):
    """Not logged in: the admin's log-in."""
    assert client.get(reverse(URL)).status_code == HTTPStatus.FOUND


def test_an_admin_corrects_a_level(client, admin_user, learner, trainer, competency):
    """The standing drops to the corrected level and the message says from what to what."""
    evidence_record(user=learner, competency=competency, level=4, source=None, awarded_by=trainer)
    client.force_login(admin_user)
    assert client.get(reverse(URL)).status_code == HTTPStatus.OK
    response = client.post(
        reverse(URL),
        {
            "email": "LEARNER@spoke.example",
            "competency": competency.pk,
            "level": Level.PRACTISING,
            "note": "Recorded for the wrong person",
        },
        follow=True,
    )
    assert "corrected from Coach to Practising" in response.content.decode()
    assert CompetencyStanding.objects.get(user=learner).level == Level.PRACTISING
    correction = CompetencyEvidence.objects.get(source_kind="correction")
    assert correction.awarded_by == admin_user


def test_bad_input_keeps_what_was_typed(client, admin_user, competency):
    """An unknown person and an empty note: errors, the rest of the form kept, no row."""
    client.force_login(admin_user)
    response = client.post(
        reverse(URL),
        {"email": "nobody@spoke.example", "competency": competency.pk, "level": "9", "note": ""},
    )
    assert response.status_code == HTTPStatus.OK
    text = response.content.decode()
    assert "Nobody has this e-mail address" in text
    assert "nobody@spoke.example" in text
    assert not CompetencyEvidence.objects.exists()
