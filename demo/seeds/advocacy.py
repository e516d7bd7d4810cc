"""Demo roster for Kestrel Rail: where the demo staff are online, who acknowledged which
version of the policy, and advocates and ambassadors in every state, each with the trail of
events that brought them there.

``seed_demo`` calls :func:`demo_advocacy_seed` last: the roster follows from the evidence
the other apps seeded. Most of the people on it qualify through their year of demo history;
a handful (:data:`AWARDS`, :data:`PRACTICE`) get the few pieces of evidence that make the
story whole, above all the recent accepted practice an ambassador needs.

The roster is replayed in time through the same services as the pages: the re-check
(``membership_sync``) the night after someone first met a tier's rules, then their own
choices and a lead's decisions (lead@spoke.example) days apart, then version 2 of the policy
(``policy_version_started``), which lapses the members who did not acknowledge it. The
services read the policy version current now; while the replay runs through the weeks
before version 2, each member's acknowledgement of version 1 is recorded against the current
version and moved to version 1 once the replay reaches version 2's publication.

Run again, it writes nothing: platform accounts, awards and practice are made once each,
and the roster only while nobody is on it. Nothing is sent (see
:func:`demo.helpers.nothing_after_commit`).
"""

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from advocacy import services
from advocacy.models import (
    PlatformAccount,
    PolicyAcknowledgement,
    RosterEvent,
    RosterMembership,
    RosterRule,
    RosterTier,
    Tier,
)
from advocacy.services import policy_acknowledge
from assessments import services as practice
from assessments.linkcheck import LinkCheckResult
from assessments.models import Assignment, Review, Submission
from assessments.selectors import assignment_window
from cms.models import Platform, PolicyVersion
from cms.selectors import policy_current, policy_questions
from cohorts.models import Cohort
from competencies.levels import Level
from competencies.models import Competency, CompetencyEvidence
from competencies.services import evidence_record
from demo import content
from demo.helpers import nothing_after_commit
from demo.markdown import plain_paragraphs
from people.models import User

LEAD = "lead@spoke.example"
TRAINER = "trainer@spoke.example"
LEARNER = "learner@spoke.example"
DOMAIN = "@spoke.example"
ADVOCATE = Tier.ADVOCATE
Scope = RosterRule.Scope

# --- The story ------------------------------------------------------------------------------

# A step of a membership, after the re-check that invites the person: "join", "pause"
# (with a reason), "leave", "decline", and a lead's "approve", "reject" and "remove" (with a
# reason). Steps after V2 happen once version 2 of the policy is out; the others before.
V2 = "v2"
Step = str | tuple[str, str]


@dataclass(frozen=True)
class DemoPerson:
    """One of the demo staff: where they are online and what they did on the roster.

    ``email`` without the domain for the generated staff. ``accounts`` are (platform slug,
    handle or profile address); a member speaks on ``speaks_on`` (slugs; empty: all of
    them). ``acknowledges_v2``: took the check of version 2 once it came out (a member who
    did not lapses).
    """

    email: str
    accounts: tuple[tuple[str, str], ...]
    advocate: tuple[Step, ...] = ()
    ambassador: tuple[Step, ...] = ()
    speaks_on: tuple[str, ...] = ()
    acknowledges_v2: bool = False

    @property
    def address(self) -> str:
        return self.email if "@" in self.email else self.email + DOMAIN

    def steps(self, tier: str) -> tuple[Step, ...]:
        return self.advocate if tier == ADVOCATE else self.ambassador


# The story itself is told in demo/content/advocacy.yaml.
_DATA = content.load_yaml("advocacy.yaml")


def _steps(steps: list) -> tuple[Step, ...]:
    """``join`` stays a string; ``{pause: why}`` becomes ``("pause", why)``."""
    return tuple(step if isinstance(step, str) else next(iter(step.items())) for step in steps)


PEOPLE = [
    DemoPerson(
        person["email"],
        tuple(person["accounts"].items()),
        advocate=_steps(person.get("advocate", ())),
        ambassador=_steps(person.get("ambassador", ())),
        speaks_on=tuple(person.get("speaks_on", ())),
        acknowledges_v2=person.get("acknowledges_v2", False),
    )
    for person in _DATA["people"]
]

# Acknowledgements of people who are not on the roster: (who, version number, days before
# version 2 came out; None: once it was out).
OTHER_ACKNOWLEDGEMENTS = [
    (ack["email"], ack["version"], ack["days_before_v2"]) for ack in _DATA["other_acknowledgements"]
]


@dataclass(frozen=True)
class DemoAward:
    """A trainer's award, shown in a session: (who, competency slug, level, days before
    version 2, what they showed)."""

    email: str
    competency: str
    level: int
    days: int
    note: str


AWARDS = [
    DemoAward(**{**award, "level": Level[award["level"].upper()]}) for award in _DATA["awards"]
]


@dataclass(frozen=True)
class DemoPractice:
    """Accepted practice in a demo cohort: handed in ``handed_in`` days after the
    assignment opened, reviewed by the trainer ``reviewed`` days later."""

    email: str
    cohort: str
    assignment: str
    handed_in: float
    reviewed: float
    reflection: str
    feedback: str
    link: str = ""
    link_title: str = ""


PRACTICE = [
    DemoPractice(**{**practice, "reflection": plain_paragraphs(practice["reflection"])})
    for practice in _DATA["practice"]
]


# --- Seeding ------------------------------------------------------------------------------


@dataclass
class _Cast:
    """What the replay needs, read once."""

    people: dict[str, User]
    lead: User
    trainer: User
    current: PolicyVersion | None
    previous: PolicyVersion | None
    start: datetime  # when version 2 came out (now, when there is no policy)
    now: datetime


def _people() -> dict[str, User]:
    emails = {person.address for person in PEOPLE} | {LEAD, TRAINER}
    emails |= {_address(email) for email, *_rest in OTHER_ACKNOWLEDGEMENTS}
    emails |= {_address(item.email) for item in (*AWARDS, *PRACTICE)}
    return User.objects.in_bulk(sorted(emails), field_name="email")


def _address(email: str) -> str:
    return email if "@" in email else email + DOMAIN


def _accounts_seed(people: dict[str, User]) -> int:
    """Each person's platform accounts, made once: an account a person changed stays theirs."""
    platforms = Platform.objects.in_bulk(field_name="slug")
    written = 0
    for person in PEOPLE:
        user = people.get(person.address)
        if user is None:
            continue
        listed = set(user.platform_accounts.values_list("platform__slug", flat=True))
        for slug, handle in person.accounts:
            if slug not in platforms or slug in listed:
                continue
            services.platform_account_save(user=user, platform=platforms[slug], handle=handle)
            written += 1
    return written


def _awards_seed(people: dict[str, User], trainer: User, start: datetime) -> int:
    """The trainer's awards of :data:`AWARDS`, each once."""
    competencies = Competency.objects.in_bulk(field_name="slug")
    written = 0
    for award in AWARDS:
        user = people.get(_address(award.email))
        competency = competencies.get(award.competency)
        if user is None or competency is None:
            continue
        if CompetencyEvidence.objects.filter(
            user=user, competency=competency, note=award.note
        ).exists():
            continue
        evidence_record(
            user=user,
            competency=competency,
            level=award.level,
            source=None,
            awarded_by=trainer,
            note=award.note,
            recorded_at=_working_hours(start - timedelta(days=award.days), award.note),
        )
        written += 1
    return written


def _practice_seed(people: dict[str, User], trainer: User, now: datetime) -> int:
    """The accepted work of :data:`PRACTICE`, handed in through the services. The review is
    history: ``review_decide`` decides now, so it is written as that service writes it,
    dated when it was decided, and its evidence goes through ``evidence_record`` with that
    date. Skipped for anyone who already has an attempt at the assignment."""
    written = 0
    for plan in PRACTICE:
        user = people.get(_address(plan.email))
        cohort = Cohort.objects.filter(name=plan.cohort).first()
        assignment = (
            Assignment.objects.filter(course_id=cohort.course_id, title=plan.assignment).first()
            if cohort is not None
            else None
        )
        if user is None or assignment is None:
            continue
        if Submission.objects.filter(assignment=assignment, cohort=cohort, user=user).exists():
            continue
        window = assignment_window(cohort=cohort, assignment=assignment)
        if window is None:
            continue
        handed_in = min(window.opens_at + timedelta(days=plan.handed_in), now)
        reviewed = min(handed_in + timedelta(days=plan.reviewed), now)
        try:
            with transaction.atomic():
                _accepted(
                    plan,
                    user=user,
                    trainer=trainer,
                    work=(cohort, assignment),
                    at=(handed_in, reviewed),
                )
        except (PermissionDenied, ValidationError):
            continue  # the cohort is not as the demo seeded it: no work then
        written += 1
    return written


def _accepted(plan: DemoPractice, *, user, trainer, work: tuple, at: tuple) -> None:
    """Hand the work in (``work``: the cohort and the assignment) when it was handed in, and
    accept it when it was reviewed (``at``: both moments)."""
    cohort, assignment = work
    handed_in, reviewed = at
    submission = practice.submission_current(
        assignment=assignment, cohort=cohort, user=user, now=handed_in
    )
    practice.submission_draft_save(
        submission=submission, by=user, link_url=plan.link, reflection=plan.reflection
    )
    practice.submission_submit(submission=submission, by=user, now=handed_in)
    if plan.link:
        practice.submission_link_check_record(
            submission_id=submission.pk,
            result=LinkCheckResult("ok", 200, plan.link_title, plan.link, ""),
        )
    criteria = list(assignment.criteria.order_by("sort_order"))
    review = Review.objects.create(
        submission=submission,
        reviewer=trainer,
        decision=Review.Decision.ACCEPTED,
        feedback=plan.feedback,
    )
    Review.objects.filter(pk=review.pk).update(decided_at=reviewed)
    review.criteria_met.set(criteria)
    Submission.objects.filter(pk=submission.pk).update(status=Submission.Status.ACCEPTED)
    for criterion in criteria:
        evidence_record(
            user=user,
            competency=criterion.competency,
            level=criterion.level,
            source=review,
            awarded_by=trainer,
            note=criterion.description[:200],
            recorded_at=reviewed,
        )


def _working_hours(moment: datetime, seed: str) -> datetime:
    """The same day, at a time of day people work (in Central Europe)."""
    rng = random.Random(seed)
    return moment.replace(
        hour=7 + rng.randint(0, 8), minute=rng.randint(0, 59), second=0, microsecond=0
    )


# --- When each person met each tier's rules ------------------------------------------------


def _holds(rule: RosterRule, levels: dict[int, int], core: list[int]) -> bool:
    if rule.scope == Scope.COMPETENCY:
        return levels.get(rule.competency_id, 0) >= rule.min_level
    if rule.scope == Scope.ANY:
        return max(levels.values(), default=0) >= rule.min_level
    return bool(core) and all(levels.get(pk, 0) >= rule.min_level for pk in core)


def _qualified_at(user_ids: list[int]) -> dict[tuple[int, str], datetime]:
    """When each person first met each tier's rules (the policy aside), reading their
    ledger in order, and their accepted practice for a tier that asks for it. The re-check
    reads today's standings, so the replay asks it only from these moments on."""
    tiers = list(RosterTier.objects.prefetch_related("rules"))
    core = list(Competency.objects.filter(is_core=True).values_list("pk", flat=True))
    ledger = defaultdict(list)
    for user_id, competency_id, level, at in (
        CompetencyEvidence.objects.filter(user_id__in=user_ids)
        .order_by("created_at", "pk")
        .values_list("user_id", "competency_id", "level", "created_at")
    ):
        ledger[user_id].append((competency_id, level, at))
    practised = defaultdict(list)
    for user_id, decided_at in (
        Submission.objects.filter(user_id__in=user_ids, status=Submission.Status.ACCEPTED)
        .order_by("review__decided_at")
        .values_list("user_id", "review__decided_at")
    ):
        practised[user_id].append(decided_at)
    found = {}
    for user_id, rows in ledger.items():
        for tier in tiers:
            rules = list(tier.rules.all())
            levels: dict[int, int] = {}
            met = None
            for competency_id, level, at in rows:
                levels[competency_id] = max(level, levels.get(competency_id, 0))
                if all(_holds(rule, levels, core) for rule in rules):
                    met = at
                    break
            if met is not None and tier.practice_within_days:
                window = timedelta(days=tier.practice_within_days)
                recent = [at for at in practised[user_id] if at >= met - window]
                met = max(met, recent[0]) if recent else None
            if met is not None:
                found[(user_id, tier.tier)] = met
    return found


# --- The replay ---------------------------------------------------------------------------


def _schedule(cast: _Cast, qualified: dict) -> list[tuple[datetime, int, str, str, Step]]:
    """Every step before version 2, dated: the re-check the night after someone met a
    tier's rules, then the steps of :data:`PEOPLE` a few days apart, in working hours
    (squeezed in before version 2 when the time is short). Rows: (when, user id, e-mail,
    tier, step)."""
    latest = cast.start - timedelta(minutes=30)
    steps = []
    for (user_id, tier), met in qualified.items():
        steps.append((_night_after(met, latest), user_id, "", tier, "sync"))
    for person in PEOPLE:
        user = cast.people.get(person.address)
        if user is None:
            continue
        for tier in Tier.values:
            before = list(person.steps(tier))
            if V2 in before:
                before = before[: before.index(V2)]
            met = qualified.get((user.pk, tier))
            if not before or met is None:
                continue
            rng = random.Random(f"{person.address}:{tier}")
            gaps = [
                rng.uniform(1, 3) if _kind(step) in {"approve", "reject"} else
                rng.uniform(1.5, 5) if index == 0 else rng.uniform(5, 16)
                for index, step in enumerate(before)
            ]  # fmt: skip
            when = _night_after(met, latest)
            room = (latest - when).total_seconds() / 86400
            scale = min(1.0, room / (sum(gaps) + 2)) if room > 0 else 0.0
            for step, gap in zip(before, gaps, strict=True):
                planned = when + timedelta(days=gap * scale)
                moment = _working_hours(planned, f"{person.address}:{tier}:{step}")
                if moment < planned:
                    moment += timedelta(days=1)
                if moment > latest:
                    moment = planned  # squeezed in: no time to wait for the morning
                when = min(moment, latest)
                steps.append((when, user.pk, person.address, tier, step))
    steps.sort(key=lambda row: (row[0], row[1], row[4] != "sync"))
    return steps


def _night_after(moment: datetime, latest: datetime) -> datetime:
    """When the nightly re-check after ``moment`` ran (at the latest ``latest``)."""
    night = (moment + timedelta(days=1)).replace(hour=1, minute=30, second=0, microsecond=0)
    return min(night, latest)


def _kind(step: Step) -> str:
    return step if isinstance(step, str) else step[0]


def _stand_in(cast: _Cast, user: User, when: datetime, stand_ins: list[int]) -> None:
    """Before joining, the person took the policy check of the version then current
    (see the module's docstring)."""
    if cast.current is None:
        return
    if PolicyAcknowledgement.objects.filter(
        user=user, version__page_id=cast.current.page_id
    ).exists():
        return
    ack = PolicyAcknowledgement.objects.create(
        user=user, version=cast.current, acknowledged_at=when - timedelta(minutes=25)
    )
    stand_ins.append(ack.pk)


def _take_step(
    cast: _Cast, *, user: User, person: DemoPerson, tier: str, step: Step, when: datetime
) -> bool:
    """One step through the services; ``False`` when they refuse it (the rest of that
    membership's story is then left out)."""
    kind = _kind(step)
    reason = step[1] if isinstance(step, tuple) else ""
    membership = RosterMembership.objects.filter(user=user, tier=tier).first()
    try:
        if kind == "join":
            accounts = PlatformAccount.objects.filter(user=user)
            if person.speaks_on:
                accounts = accounts.filter(platform__slug__in=person.speaks_on)
            services.membership_opt_in(
                user=user,
                tier=tier,
                platform_account_ids=list(accounts.values_list("pk", flat=True)),
                now=when,
            )
            return True
        if membership is None:
            return False
        if kind == "pause":
            services.membership_pause(membership=membership, by=user, now=when, reason=reason)
        elif kind == "leave":
            services.membership_leave(membership=membership, by=user, now=when)
        elif kind == "decline":
            services.membership_decline(membership=membership, by=user, now=when)
        elif kind == "approve":
            services.membership_approve(membership=membership, by=cast.lead, now=when)
        elif kind == "reject":
            services.membership_reject(membership=membership, by=cast.lead, reason=reason, now=when)
        elif kind == "remove":
            services.membership_remove(membership=membership, by=cast.lead, reason=reason, now=when)
        else:
            raise ValueError(f"Unknown demo step: {kind}")
    except ValidationError:
        return False
    return True


def _acknowledge(cast: _Cast, user: User, when: datetime) -> None:
    """The person takes the current version's check, answering right."""
    answers = {
        str(question.pk): str(question.correct_choice)
        for question in policy_questions(page=cast.current.page)
    }
    policy_acknowledge(user=user, version_id=cast.current.pk, answers=answers, now=when)


def _roster_seed(cast: _Cast) -> None:
    """Replay the roster: the weeks before version 2, its publication, the moments after."""
    by_email = {person.address: person for person in PEOPLE}
    qualified = _qualified_at(
        list(User.objects.filter(is_active=True).values_list("pk", flat=True))
    )
    stand_ins: list[int] = []
    stopped: set[tuple[int, str]] = set()
    users = {user.pk: user for user in cast.people.values()}
    for when, user_id, email, tier, step in _schedule(cast, qualified):
        user = users.get(user_id) or User.objects.get(pk=user_id)
        if step == "sync":
            services.membership_sync(user=user, now=when)
        elif (user_id, tier) not in stopped:
            if step == "join":
                _stand_in(cast, user, when, stand_ins)
            person = by_email[email]
            if not _take_step(cast, user=user, person=person, tier=tier, step=step, when=when):
                stopped.add((user_id, tier))

    tick = _ticker(cast)
    if cast.current is not None and cast.previous is not None:
        _version_two(cast, stand_ins, tick)

    for person in PEOPLE:
        user = cast.people.get(person.address)
        if user is None:
            continue
        for tier in Tier.values:
            steps = person.steps(tier)
            if V2 not in steps or (user.pk, tier) in stopped:
                continue
            for step in steps[steps.index(V2) + 1 :]:
                when = next(tick)
                if not _take_step(cast, user=user, person=person, tier=tier, step=step, when=when):
                    break
    # The nightly re-check finds nothing left to do; on a demo seeded into an older site it
    # brings the roster up to date.
    services.membership_sync_all(now=cast.now)


def _version_two(cast: _Cast, stand_ins: list[int], tick) -> None:
    """Version 2 comes out: the acknowledgements so far were of version 1; most members
    take the new check at once, and the re-check lapses the others."""
    PolicyAcknowledgement.objects.filter(pk__in=stand_ins).update(version=cast.previous)
    versions = {
        version.number: version
        for version in PolicyVersion.objects.filter(page_id=cast.current.page_id)
    }
    takers = [person.address for person in PEOPLE if person.acknowledges_v2]
    for email, number, days in OTHER_ACKNOWLEDGEMENTS:
        user = cast.people.get(_address(email))
        if user is None or number not in versions:
            continue
        if number == cast.current.number:
            takers.append(_address(email))
        elif days is not None:
            when = _working_hours(cast.start - timedelta(days=days), f"{email}:{number}")
            PolicyAcknowledgement.objects.get_or_create(
                user=user, version=versions[number], defaults={"acknowledged_at": when}
            )
    for email in takers:
        if email in cast.people:
            _acknowledge(cast, cast.people[email], next(tick))
    services.policy_version_started(version=cast.current, now=next(tick))


def _ticker(cast: _Cast):
    """Moments just after version 2 came out, a few milliseconds apart (never after now)."""
    moment = cast.start
    while True:
        moment = min(moment + timedelta(milliseconds=10), cast.now)
        yield moment


@transaction.atomic
def demo_advocacy_seed() -> dict[str, int]:
    """Seed the demo roster once. Returns counts of rows written."""
    written = dict.fromkeys(
        ("platform accounts", "evidence", "submissions", "acknowledgements", "memberships",
         "roster events"), 0)  # fmt: skip
    people = _people()
    for email in (LEAD, TRAINER):
        if email not in people:
            raise RuntimeError(f"Demo account missing: {email}. Seed the people first.")
    now = timezone.now()
    current = policy_current()
    previous = None
    if current is not None:
        previous = (
            PolicyVersion.objects.filter(page_id=current.page_id, number__lt=current.number)
            .order_by("-number")
            .first()
        )
    cast = _Cast(
        people=people,
        lead=people[LEAD],
        trainer=people[TRAINER],
        current=current,
        previous=previous,
        start=min(current.published_at, now) if current is not None else now,
        now=now,
    )
    acknowledgements = PolicyAcknowledgement.objects.count()
    # History and choices, not news: nobody is told anything, nothing is re-checked later.
    with nothing_after_commit():
        written["platform accounts"] = _accounts_seed(people)
        written["evidence"] = _awards_seed(people, cast.trainer, cast.start)
        written["submissions"] = _practice_seed(people, cast.trainer, now)
        if not RosterMembership.objects.exists():  # only on a roster nobody uses yet
            _roster_seed(cast)
            written["memberships"] = RosterMembership.objects.count()
            written["roster events"] = RosterEvent.objects.count()
    written["acknowledgements"] = PolicyAcknowledgement.objects.count() - acknowledgements
    return written
