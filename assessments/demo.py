"""Demo practice assignments for Kestrel Rail: something real to do between sessions in
each demo course, with a short rubric mapped to the competency framework.

``seed_demo`` calls :func:`demo_assessments_seed` after the cohorts. Assignments are found
by course and title; a second run finds them as they are and writes nothing. No
submissions are made here.
"""

import re
from dataclasses import dataclass

from django.db import transaction

from cms.models import Platform
from competencies.levels import Level
from competencies.models import Competency
from core.demo import upsert
from courses.models import CoursePage, LessonPage

from .models import Assignment, RubricCriterion

_AROUND_BLOCK_TAGS = re.compile(r"\s*(</?(?:p|ul|ol|li|h3)>)\s*")


def _html(source: str) -> str:
    """Collapse the line breaks and indentation of a wrapped string into one line of HTML."""
    return _AROUND_BLOCK_TAGS.sub(r"\1", " ".join(source.split()))


@dataclass(frozen=True)
class DemoCriterion:
    description: str
    competency: str  # slug
    level: int


@dataclass(frozen=True)
class DemoAssignment:
    course: str  # course slug
    title: str
    instructions: str
    criteria: tuple[DemoCriterion, ...]
    after_session: int | None = None
    after_lesson: str = ""  # lesson slug, when the session that covers it differs by cohort
    platforms: tuple[str, ...] = ()  # platform slugs
    needs_link: bool = False
    needs_screenshot: bool = False
    needs_reflection: bool = False
    reflection_min_chars: int = 300


SPEAKING = "speaking-for-yourself-online"
MANAGERS = "social-media-literacy-for-managers"
PLAN_B = "plan-b-updating-customers"

ASSIGNMENTS = [
    DemoAssignment(
        course=SPEAKING,
        title="Tidy up your professional profile",
        after_session=1,
        platforms=("linkedin",),
        needs_link=True,
        needs_screenshot=True,
        needs_reflection=True,
        reflection_min_chars=300,
        instructions=_html(
            """<p>Before the next session, look at your LinkedIn profile the way a traveller
            or a future colleague would, and put right whatever gives the wrong
            impression.</p>
            <ol><li>Open your profile in a private browser window, so you see what the public
            sees.</li>
            <li>Check the four things from the lesson: a clear photo of your face (not taken
            in the cab, a depot or the control room), your real name, one plain line about
            what you do, and Kestrel Rail as your employer if you want to say where you
            work.</li>
            <li>If you write about work, add that your views are your own.</li>
            <li>Take a screenshot of the top of the profile once you are happy with it.</li>
            </ol>
            <h3>What to hand in</h3>
            <ul><li>The link to your public profile.</li>
            <li>The screenshot.</li>
            <li>A few lines: what did you change, and what did you decide to leave out, and
            why?</li></ul>
            <p>If you would rather not use LinkedIn, talk to your trainer first: the same
            exercise works on another platform.</p>"""
        ),
        criteria=(
            DemoCriterion(
                "Photo, name and headline say plainly who they are and what they do at "
                "Kestrel Rail",
                "profile-and-personal-brand",
                Level.PRACTISING,
            ),
            DemoCriterion(
                "Nothing on the profile gives away shift patterns, restricted areas or other "
                "people's details",
                "privacy-and-safety",
                Level.PRACTISING,
            ),
        ),
    ),
    DemoAssignment(
        course=SPEAKING,
        title="Publish a post about your work that follows the policy",
        after_session=2,
        platforms=("linkedin", "x", "instagram", "facebook", "threads", "bluesky", "mastodon"),
        needs_link=True,
        needs_reflection=True,
        reflection_min_chars=300,
        instructions=_html(
            """<p>Share one thing from your working week that you are proud of or that
            travellers would find useful: the team that cleared the snow at dawn, a tip for
            buying tickets, the reason platform 4 is closed on Sunday.</p>
            <ol><li>Draft the post first, away from the platform.</li>
            <li>Run the newspaper test: would you be happy to see it on the front page with
            your name under it?</li>
            <li>Check it against the policy: nothing confidential, no travellers or
            colleagues who could be recognised without their consent, nothing that speaks
            for Kestrel Rail unless you are allowed to.</li>
            <li>Publish it in your own name, on the platform you use most.</li></ol>
            <h3>What to hand in</h3>
            <ul><li>The link to the public post.</li>
            <li>A few lines: which parts of the policy did you check, and did you change
            anything because of them?</li></ul>
            <p>Deciding not to publish is a fair outcome too. If the test stops you, hand in
            your draft as the reflection and say what stopped you.</p>"""
        ),
        criteria=(
            DemoCriterion(
                "The post is accurate, easy to read and useful or interesting to a traveller",
                "publishing",
                Level.PRACTISING,
            ),
            DemoCriterion(
                "The post and the reflection show the policy was applied, not just read",
                "policy-and-compliance",
                Level.PRACTISING,
            ),
        ),
    ),
    DemoAssignment(
        course=MANAGERS,
        title="A week of listening",
        after_session=1,
        needs_reflection=True,
        reflection_min_chars=400,
        instructions=_html(
            """<p>For one week, spend ten minutes a day finding out what people say about
            Kestrel Rail, the stations and lines your team looks after, or rail travel in
            the region. Do not reply to anything yet: this week is only for listening.</p>
            <ol><li>Choose two or three search terms, such as a station name, a line and
            one word about your service.</li>
            <li>Search for them on at least two platforms, and in a commuters' group if you
            know one.</li>
            <li>Keep a short log of what you find.</li></ol>
            <h3>What to hand in</h3>
            <p>A reflection with three things that were said, each with a link to where it
            was said, and for each one:</p>
            <ul><li>was it a question, a complaint or praise?</li>
            <li>did anyone from Kestrel Rail answer, and how quickly?</li>
            <li>who in our company should have known about it?</li></ul>
            <p>Finish with one sentence on what surprised you. Bring your log to the next
            session: we compare notes.</p>"""
        ),
        criteria=(
            DemoCriterion(
                "Finds three relevant public conversations and links to each of them",
                "listening-and-monitoring",
                Level.PRACTISING,
            ),
            DemoCriterion(
                "Says for each one who in Kestrel Rail should act on it, hub or team",
                "strategy-and-governance",
                Level.PRACTISING,
            ),
        ),
    ),
    DemoAssignment(
        course=PLAN_B,
        title="Reply to a customer's question in public",
        after_lesson="replying-in-public-moving-to-private",
        platforms=("x", "facebook", "instagram", "threads", "bluesky"),
        needs_link=True,
        needs_screenshot=True,
        instructions=_html(
            """<p>Answer one real question or complaint from a traveller, in public, the way
            the lesson describes: acknowledge it where it was asked, give what you can, and
            move personal details to a private channel.</p>
            <ol><li>Agree with your team lead which account you reply from: your team's
            account, or the customer service account with a colleague who has access.</li>
            <li>Find a recent public question about a journey, a station or a ticket.</li>
            <li>Reply within the hour, in a calm and human voice, with your first name if
            your team signs replies.</li>
            <li>If you need a booking reference or a phone number, ask for it in a private
            message, never in the thread.</li></ol>
            <h3>What to hand in</h3>
            <ul><li>The link to your public reply.</li>
            <li>A screenshot of the whole thread, taken after the traveller has seen your
            answer.</li></ul>"""
        ),
        criteria=(
            DemoCriterion(
                "The public reply acknowledges the traveller, answers what it can and sounds "
                "like a person",
                "engagement-and-community",
                Level.PROFICIENT,
            ),
            DemoCriterion(
                "Personal details are asked for in private, and none appear in the thread",
                "privacy-and-safety",
                Level.PRACTISING,
            ),
        ),
    ),
    DemoAssignment(
        course=PLAN_B,
        title="Draft a holding statement for an outage",
        after_lesson="holding-statements",
        needs_reflection=True,
        reflection_min_chars=500,
        instructions=_html(
            """<p>The scenario: on a Friday at 17:20, a power failure stops every train
            between Kestrel Junction and the coast. Thousands of people are on their way
            home and nobody can say yet how long it will take.</p>
            <ol><li>Write the first public update, as you would post it within fifteen
            minutes: what we know, what we are doing, what travellers can do now and when
            the next update comes.</li>
            <li>Say where you would post it and why there: which accounts, which platforms,
            the website, the station screens.</li>
            <li>Say who would have to agree to it on a Friday evening, and who could post it
            if the usual person is not there.</li></ol>
            <h3>What to hand in</h3>
            <p>Only a reflection: the statement itself, followed by your answers to points
            2 and 3. Do not publish anything.</p>"""
        ),
        criteria=(
            DemoCriterion(
                "The statement says what is known, what is being done and when the next "
                "update comes, without guessing at causes",
                "crisis-communication",
                Level.PROFICIENT,
            ),
            DemoCriterion(
                "Names where it goes and who could approve and post it outside office hours",
                "strategy-and-governance",
                Level.PRACTISING,
            ),
        ),
    ),
]


def _needed(what: str, wanted: set[str], found: dict) -> None:
    if missing := sorted(wanted - set(found)):
        raise RuntimeError(f"{what} missing: {', '.join(missing)}. Seed them first.")


def _sync_platforms(assignment: Assignment, platforms: list[Platform]) -> bool:
    wanted = {platform.pk for platform in platforms}
    if set(assignment.platforms.values_list("pk", flat=True)) == wanted:
        return False
    assignment.platforms.set(platforms)  # a ParentalManyToManyField: written on save
    assignment.save()
    return True


def _sync_criteria(assignment: Assignment, criteria, competencies: dict) -> int:
    """Bring the rubric in line position by position, so reviews keep their criteria."""
    written = 0
    for position, criterion in enumerate(criteria):
        _, changed = upsert(
            RubricCriterion,
            lookup={"assignment": assignment, "sort_order": position},
            values={
                "description": criterion.description,
                "competency": competencies[criterion.competency],
                "level": int(criterion.level),
            },
        )
        written += changed
    extra, _ = assignment.criteria.filter(sort_order__gte=len(criteria)).delete()
    return written + extra


@transaction.atomic
def demo_assessments_seed() -> dict[str, int]:
    """Create or update the demo assignments and their rubrics. Returns counts of rows
    written."""
    courses = {page.slug: page for page in CoursePage.objects.filter(
        slug__in={plan.course for plan in ASSIGNMENTS})}  # fmt: skip
    _needed("Courses", {plan.course for plan in ASSIGNMENTS}, courses)
    competencies = Competency.objects.in_bulk(field_name="slug")
    _needed(
        "Competencies",
        {c.competency for plan in ASSIGNMENTS for c in plan.criteria},
        competencies,
    )
    platforms = Platform.objects.in_bulk(field_name="slug")
    _needed("Platforms", {slug for plan in ASSIGNMENTS for slug in plan.platforms}, platforms)

    written = {"assignments": 0, "criteria": 0}
    for plan in ASSIGNMENTS:
        course = courses[plan.course]
        lesson = None
        if plan.after_lesson:
            lesson = LessonPage.objects.child_of(course).get(slug=plan.after_lesson)
        assignment, changed = upsert(
            Assignment,
            lookup={"course": course, "title": plan.title},
            values={
                "instructions": plan.instructions,
                "needs_link": plan.needs_link,
                "needs_screenshot": plan.needs_screenshot,
                "needs_reflection": plan.needs_reflection,
                "reflection_min_chars": plan.reflection_min_chars,
                "after_session": plan.after_session,
                "after_lesson": lesson,
            },
        )
        changed |= _sync_platforms(assignment, [platforms[slug] for slug in plan.platforms])
        written["assignments"] += changed
        written["criteria"] += _sync_criteria(assignment, plan.criteria, competencies)
    return written
