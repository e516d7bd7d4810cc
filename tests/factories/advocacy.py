"""The roster. ``PlatformAccountFactory()`` puts a new person on LinkedIn (pass
``platform_slug="x"`` for another platform of the migrations); ``RosterMembershipFactory()``
is a new person's ACTIVE advocate membership, written directly (no event, no message: what
the services do is tested through the services). ``standing_set(user, competency, level)``
sets a current level without the ledger, and ``practice_accepted(user, decided_at=...)`` an
accepted practice submission reviewed then. ``roster_framework()`` makes three core
competencies and two others; ``qualify(user, framework, tier)`` gives ``user`` what the
default rules of ``tier`` ask (levels, and recent practice for ambassadors), the policy aside.
"""

from datetime import timedelta

import factory
from django.utils import timezone

from advocacy.models import PlatformAccount, PolicyAcknowledgement, RosterMembership, Tier
from assessments.models import Review, Submission
from cms.models import Platform
from competencies.levels import Level
from competencies.models import Competency, CompetencyStanding

from .assessments import ReviewFactory, SubmissionFactory
from .competencies import CompetencyFactory
from .people import UserFactory


class PlatformAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlatformAccount
        exclude = ("platform_slug",)

    user = factory.SubFactory(UserFactory)
    platform_slug = "linkedin"
    platform = factory.LazyAttribute(
        lambda account: Platform.objects.get(slug=account.platform_slug)
    )
    handle = factory.Sequence(lambda n: f"https://www.linkedin.com/in/person-{n}")


class RosterMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RosterMembership

    user = factory.SubFactory(UserFactory)
    tier = Tier.ADVOCATE
    status = RosterMembership.Status.ACTIVE
    eligible_since = factory.LazyFunction(timezone.now)
    opted_in_at = factory.LazyFunction(timezone.now)
    status_changed_at = factory.LazyFunction(timezone.now)


class PolicyAcknowledgementFactory(factory.django.DjangoModelFactory):
    """Needs ``version=`` (a ``cms.PolicyVersion``)."""

    class Meta:
        model = PolicyAcknowledgement

    user = factory.SubFactory(UserFactory)
    acknowledged_at = factory.LazyFunction(timezone.now)


def standing_set(user, competency, level: int) -> CompetencyStanding:
    """``user``'s current level in ``competency``, written straight to the standings."""
    standing, _ = CompetencyStanding.objects.update_or_create(
        user=user, competency=competency, defaults={"level": level}
    )
    return standing


def practice_accepted(user, *, decided_at=None) -> Review:
    """An accepted practice submission of ``user``, reviewed at ``decided_at`` (default now)."""
    review = ReviewFactory(
        submission=SubmissionFactory(user=user, status=Submission.Status.ACCEPTED)
    )
    if decided_at is not None:
        Review.objects.filter(pk=review.pk).update(decided_at=decided_at)
        review.decided_at = decided_at
    return review


def roster_framework() -> dict[str, Competency]:
    """Three core competencies (Listening, Publishing, Crisis communication) and two others
    (Coaching, Measurement), in that order."""
    return {
        "listening": CompetencyFactory(name="Listening", is_core=True, sort_order=10),
        "publishing": CompetencyFactory(name="Publishing", is_core=True, sort_order=20),
        "crisis": CompetencyFactory(name="Crisis communication", is_core=True, sort_order=30),
        "coaching": CompetencyFactory(name="Coaching", sort_order=40),
        "measurement": CompetencyFactory(name="Measurement", sort_order=50),
    }


def qualify(user, framework: dict[str, Competency], tier: str = Tier.ADVOCATE) -> None:
    """Meet the default rules of ``tier`` (the migration's), the policy aside: practising in
    every core competency for advocates; proficient in every core one, coach in Coaching and
    practice accepted yesterday for ambassadors."""
    core = [competency for competency in framework.values() if competency.is_core]
    level = Level.PRACTISING if tier == Tier.ADVOCATE else Level.PROFICIENT
    for competency in core:
        standing_set(user, competency, level)
    if tier == Tier.AMBASSADOR:
        standing_set(user, framework["coaching"], Level.COACH)
        practice_accepted(user, decided_at=timezone.now() - timedelta(days=1))
