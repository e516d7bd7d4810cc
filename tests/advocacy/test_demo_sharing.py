"""Demo sharing kit: two live posts and an expired one, seen by a demo advocate in their
kit and by the lead with counts; seeded once, and without a message."""

import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from advocacy.models import RosterMembership, ShareClick, ShareLink, SharePostPage
from demo.seeds.sharing import demo_sharing_seed
from people.models import User

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_kit_and_counts(client):
    call_command("seed_demo", stdout=io.StringIO())
    assert SharePostPage.objects.live().count() == 3
    assert ShareLink.objects.exists()
    assert ShareClick.objects.exists()
    assert not mail.outbox
    assert demo_sharing_seed() == {"posts": 0, "click counts": 0}

    advocate = (
        User.objects.filter(
            roster_memberships__status__in=RosterMembership.ON_ROSTER, share_links__isnull=False
        )
        .distinct()
        .first()
    )
    client.force_login(advocate)
    body = client.get(reverse("advocacy:share_kit")).text
    assert "Night trains are back" in body
    assert "We are hiring train drivers" in body
    assert "Summer timetable" not in body  # expired

    client.force_login(User.objects.get(email="lead@spoke.example"))
    response = client.get(reverse("advocacy:share_hub"))
    totals = {row.post.slug: row.total for row in response.context["rows"]}
    assert totals == {
        "share-night-trains": 9,
        "share-hiring-drivers": 0,
        "share-summer-timetable": 4,
    }
