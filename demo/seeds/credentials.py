"""Demo credentials for Kestrel Rail: earned, hidden and revoked ones.

``seed_demo`` calls :func:`demo_credentials_seed` after the roster. It makes a signing key
if there is none (the demo only; production creates its key with ``manage.py
credentials_keys create``), lets Proficient and Coach earn a credential in every
competency, and then issues what the seeded history earned, through the same services
as the worker: competency levels, active roster memberships, and memberships that ended
(issued when the person joined, revoked when they left, so the status list has set bits).
The demo learner completes two courses; the second credential is hidden.

Run again, it writes nothing. Nothing is sent (history, not news).
"""

from django.db import transaction
from django.utils import timezone

from advocacy.models import RosterEvent, RosterMembership
from competencies.levels import Level
from competencies.models import Competency
from courses.models import CourseCompletion, CoursePage, LessonCompletion, LessonPage
from credentials import keys, services
from credentials.models import CompetencyCredentialLevel, Credential
from demo.helpers import nothing_after_commit
from people.models import User

LEARNER = "learner@spoke.example"
# The demo learner finished these courses: the first credential shows, the second is hidden.
LEARNER_COURSES = ("speaking-for-yourself-online", "plan-b-updating-customers")
CREDITED_LEVELS = (Level.PROFICIENT, Level.COACH)


def _levels_seed() -> int:
    written = 0
    for competency in Competency.objects.all():
        for level in CREDITED_LEVELS:
            _, created = CompetencyCredentialLevel.objects.get_or_create(
                competency=competency, level=level
            )
            written += created
    return written


def _learner_courses_seed(learner: User) -> list[Credential]:
    """The demo learner's two finished courses (every live lesson done), and their
    credentials."""
    issued = []
    for slug in LEARNER_COURSES:
        course = CoursePage.objects.live().filter(slug=slug).first()
        if course is None:
            continue
        for lesson in LessonPage.objects.live().child_of(course):
            LessonCompletion.objects.get_or_create(user=learner, lesson=lesson)
        CourseCompletion.objects.get_or_create(user=learner, course=course)
        credential = services.course_credential_sync(
            user=learner, course=course, now=timezone.now()
        )
        if credential is not None:
            issued.append(credential)
    return issued


def _ended_memberships_seed(now) -> int:
    """Members who were active and then left, lapsed or were removed: their credential,
    issued when they joined and revoked when it ended."""
    written = 0
    ended = RosterMembership.objects.filter(status__in=services.ENDED).select_related("user")
    for membership in ended:
        events = list(membership.events.order_by("at", "pk"))
        joined = next((e for e in events if e.to_status == RosterMembership.Status.ACTIVE), None)
        if joined is None:
            continue  # never on the roster: nothing to revoke
        if Credential.objects.filter(
            user=membership.user, achievement_key=f"roster:{membership.tier}"
        ).exists():
            continue
        ended_at = next((e.at for e in reversed(events) if e.to_status == membership.status), now)
        membership.status_changed_at = joined.at
        credential = services.roster_credential_issue(membership=membership, now=joined.at)
        if credential is not None:
            services.credential_revoke(
                credential=credential,
                reason=RosterEvent(to_status=membership.status).get_to_status_display(),
                now=ended_at,
            )
            written += 1
    return written


@transaction.atomic
def demo_credentials_seed() -> dict[str, int]:
    """Seed demo credentials once. Returns counts of rows written."""
    written = {"signing keys": 0, "credited levels": 0, "credentials": 0, "revoked": 0}
    if keys.signing_state():
        keys.key_create(retire_current=True)
        written["signing keys"] = 1
    written["credited levels"] = _levels_seed()
    before = Credential.objects.count()
    now = timezone.now()
    with nothing_after_commit():
        learner = User.objects.filter(email=LEARNER).first()
        if learner is not None:
            issued = _learner_courses_seed(learner)
            if len(issued) == len(LEARNER_COURSES):
                services.credential_set_hidden(credential=issued[-1], by=learner, hidden=True)
        written["revoked"] = _ended_memberships_seed(now)
        services.credentials_sync_all(now=now)
    written["credentials"] = Credential.objects.count() - before
    return written
