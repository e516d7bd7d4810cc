"""Demo practice for Kestrel Rail: something real to do between sessions in each demo
course, with a short rubric mapped to the competency framework, and work in every state in
the running cohort.

``seed_demo`` calls :func:`demo_assessments_seed` after the cohorts. Assignments are found
by course and title; a second run finds them as they are and writes nothing. The work
(:data:`WORK`) goes through the same services as the pages (``submission_draft_save``,
``submission_submit``, ``review_decide``), so accepted work writes competency evidence as
it would for real; each piece is made once, and skipped when that person already has an
attempt at that assignment in the cohort. Nothing is sent (see
:func:`core.demo.nothing_after_commit`).
"""

import io
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image, ImageDraw

from cms.models import Platform
from cohorts.models import Cohort, Enrollment
from competencies.levels import Level
from competencies.models import Competency
from core.demo import nothing_after_commit, upsert
from courses.models import CoursePage, LessonPage
from people.models import User

from . import services
from .linkcheck import LinkCheckResult
from .models import Assignment, Review, RubricCriterion, Submission
from .selectors import Window, assignment_windows

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


def _seed_assignments() -> dict[str, int]:
    """Create or update the demo assignments and their rubrics."""
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


# --- Work in the running cohort ----------------------------------------------------------

RUNNING_COHORT = "Speaking for yourself · support and retail"
TRAINER = "trainer@spoke.example"
LEARNER = "learner@spoke.example"
PROFILE = "Tidy up your professional profile"
POST = "Publish a post about your work that follows the policy"
Status = Submission.Status


@dataclass(frozen=True)
class DemoWork:
    """One person's latest attempt at one assignment of the running cohort.

    ``person`` is a demo account's e-mail, or the position of a generated member of the
    cohort (0 is the first enrolled). ``link`` may use ``{slug}`` (first-last) and
    ``{handle}`` (an X handle). ``at`` is when it was handed in: (``"opens"`` or
    ``"due"``, time after that moment in the cohort's window); a draft has none.
    ``link_check`` is what the background check "found" (status, HTTP status, title).
    """

    person: str | int
    assignment: str  # title, in the running cohort's course
    state: str  # a Submission.Status
    link: str
    reflection: str
    at: tuple[str, timedelta] | None = None
    link_check: tuple[str, int | None, str] | None = None
    met: tuple[int, ...] = ()  # rubric positions ticked, when accepted
    feedback: str = ""


WORK = [
    DemoWork(
        person=LEARNER,
        assignment=PROFILE,
        state=Status.ACCEPTED,
        at=("opens", timedelta(days=2, hours=4)),
        link="https://www.linkedin.com/in/{slug}-kestrel",
        link_check=("ok", 200, "Lena Fischer · Customer support at Kestrel Rail | LinkedIn"),
        reflection=_html(
            """<p>I opened my profile in a private window and did not like what I saw: the
            photo came from a team outing, half of my face cut off, and the headline still
            said "Student" from years ago.</p>
            <p>I changed the photo to a plain one against the office wall, kept my real name
            and wrote "Customer support at Kestrel Rail · I help travellers when plans
            change". I added that my views are my own.</p>
            <p>I left out my shift pattern and the depot where I sometimes work: together
            they tell a stranger when and where to find me. I also hid my list of
            connections, because it shows colleagues who did not choose to be seen.</p>"""
        ),
        met=(0, 1),
        feedback=(
            "A clear, friendly profile, Lena. The headline says what you do in words a "
            "traveller understands, and leaving out your shifts and the depot was exactly "
            "right. Both criteria met. Tomás"
        ),
    ),
    DemoWork(
        person=LEARNER,
        assignment=POST,
        state=Status.NEEDS_REVISION,
        at=("opens", timedelta(days=1, hours=6)),
        link=(
            "https://www.linkedin.com/posts/{slug}-kestrel_the-morning-the-points-froze"
            "-activity-7263000000000000001-lf3a"
        ),
        link_check=("ok", 200, "The morning the points froze at Kestrel Junction | LinkedIn"),
        reflection=_html(
            """<p>I wrote about the morning the points froze at Kestrel Junction, when our
            support team answered more than 400 messages before nine. I checked the policy
            for confidential information and left out the number of cancelled trains,
            which is an internal figure.</p>
            <p>I added a photo of the team at the support desk. I ran the newspaper test and
            I think it passes: the post is true, and it shows what we do for travellers on a
            bad morning.</p>"""
        ),
        feedback=(
            "A good story, and right to keep the internal figures out. One thing to fix "
            "before I can accept it: two colleagues can be recognised in the photo, and the "
            "policy asks for their consent first. Ask them, or use a picture without faces, "
            "then hand in the link again and say in your reflection what you changed."
        ),
    ),
    DemoWork(
        person=0,
        assignment=POST,
        state=Status.DRAFT,
        link="https://x.com/{handle}/status/1862000000000000011",
        reflection=_html(
            """<p>Draft: a tip for buying group tickets at the machine, which saves a queue
            at the office. Still checking with my team lead whether I may mention the
            group discount.</p>"""
        ),
    ),
    DemoWork(
        person=1,
        assignment=PROFILE,
        state=Status.SUBMITTED,
        at=("due", timedelta(days=1, hours=2)),  # late
        link="https://www.linkedin.com/in/{slug}",
        link_check=("ok", 200, "LinkedIn profile"),
        reflection=_html(
            """<p>Sorry this is late: I was on nights last week. My profile had no photo at
            all and still listed my old job at the bakery in the station. I added a photo,
            changed the headline to "Ticket office at Kestrel Rail, helping you find the
            right fare" and wrote that my views are my own.</p>
            <p>I removed the line that said which station I work at, because people could
            look for me there. I was not sure whether to keep Kestrel Rail as my employer
            at all, and decided to keep it: I am proud of the job.</p>"""
        ),
    ),
    DemoWork(
        person=2,
        assignment=POST,
        state=Status.SUBMITTED,
        at=("opens", timedelta(days=3, hours=1)),
        link="https://x.com/{handle}/status/1862000000000000042",
        link_check=("error", 404, ""),
        reflection=_html(
            """<p>I posted a tip for travellers with bikes: from Sunday, platform 4 at
            Kestrel Junction is closed for works, so the lift to use is the one on platform
            5. I checked the policy: it is public information from our own website, there
            is nobody in the photo, and I wrote it in my own name.</p>
            <p>I changed one thing after the newspaper test: my first draft said "finally"
            about the works, which sounded like a complaint about my own company.</p>"""
        ),
    ),
    DemoWork(
        person=3,
        assignment=PROFILE,
        state=Status.ACCEPTED,
        at=("opens", timedelta(days=1, hours=5)),
        link="https://www.linkedin.com/in/{slug}",
        link_check=("ok", 200, "LinkedIn profile"),
        reflection=_html(
            """<p>My profile was mostly fine, but the headline was just "Employee". I
            changed it to "Station shop at Kestrel Junction · tickets, travel tips and
            coffee" and put in a recent photo taken by a colleague outside the station.</p>
            <p>I asked a friend who does not work here to look at it: she understood at
            once what I do, which she did not before.</p>"""
        ),
        met=(0,),
        feedback=(
            "Photo, name and headline say plainly who you are now: well done. I have not "
            "ticked the privacy criterion: the headline names the shop you work in, which "
            "tells a stranger where to find you. Worth changing; we look at privacy "
            "together in session 3."
        ),
    ),
]


def _screenshot(person: User) -> ContentFile:
    """A small picture of a tidy profile page, drawn rather than stored."""
    image = Image.new("RGB", (640, 360), "#f3f2ef")
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((40, 24, 600, 336), radius=12, fill="white", outline="#dddddd")
    draw.rectangle((41, 25, 599, 110), fill="#1d4e89")
    draw.ellipse((70, 60, 170, 160), fill="#c9d6e3", outline="white", width=4)
    draw.text((70, 180), person.get_full_name(), fill="#1b1b1b")
    unit = person.unit.name if person.unit else "Kestrel Rail"
    draw.text((70, 205), f"{unit} at Kestrel Rail", fill="#444444")
    for top, width in ((240, 360), (262, 300), (284, 330)):
        draw.rectangle((70, top, 70 + width, top + 10), fill="#e6e6e6")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return ContentFile(buffer.getvalue(), name="profile.png")


def _moment(plan: DemoWork, window: Window, now: datetime) -> datetime:
    anchor, after = plan.at
    start = window.opens_at if anchor == "opens" else window.due_at
    return min(start + after, now - timedelta(minutes=30))


def _work(plan: DemoWork, *, person: User, window: Window, trainer: User, now) -> int:
    """Make one demo attempt through the services; how many reviews it took (0 or 1)."""
    assignment, cohort = window.assignment, window.cohort
    handed_in = _moment(plan, window, now) if plan.at else now
    slug = slugify(person.get_full_name()) or "kestrel"
    handle = slugify(f"{person.first_name} {person.last_name[:1]}").replace("-", "_")[:15]
    submission = services.submission_current(
        assignment=assignment, cohort=cohort, user=person, now=handed_in
    )
    services.submission_draft_save(
        submission=submission,
        by=person,
        link_url=plan.link.format(slug=slug, handle=handle),
        reflection=plan.reflection,
        screenshot=_screenshot(person) if assignment.needs_screenshot else None,
    )
    if plan.state == Status.DRAFT:
        return 0
    services.submission_submit(submission=submission, by=person, now=handed_in)
    if plan.link_check:
        status, http_status, title = plan.link_check
        services.submission_link_check_record(
            submission_id=submission.pk,
            result=LinkCheckResult(status, http_status, title, submission.link_url, ""),
        )
    if plan.state == Status.SUBMITTED:
        return 0
    criteria = list(assignment.criteria.order_by("sort_order"))
    services.review_decide(
        submission=submission,
        by=trainer,
        decision=(
            Review.Decision.ACCEPTED
            if plan.state == Status.ACCEPTED
            else Review.Decision.NEEDS_REVISION
        ),
        criteria_met=[criteria[position] for position in plan.met],
        feedback=plan.feedback,
    )
    return 1


def _seed_work() -> dict[str, int]:
    """Work in every state in the running cohort, for the people who have none yet."""
    cohort = Cohort.objects.filter(name=RUNNING_COHORT).select_related("course").first()
    if cohort is None:
        raise RuntimeError(f"Cohort missing: {RUNNING_COHORT}. Seed the cohorts first.")
    accounts = User.objects.in_bulk([TRAINER, LEARNER], field_name="email")
    _needed("Demo accounts", {TRAINER, LEARNER}, accounts)
    members = [
        enrollment.user
        for enrollment in Enrollment.objects.filter(
            cohort=cohort, status=Enrollment.Status.ENROLLED
        )
        .exclude(user__email__in=list(accounts))
        .select_related("user__unit")
        .order_by("pk")
    ]
    windows = {
        window.assignment.title: window
        for (cohort_id, _), window in assignment_windows(cohorts=[cohort]).items()
        if cohort_id == cohort.pk
    }
    now = timezone.now()
    written = {"submissions": 0, "reviews": 0}
    # The feedback e-mails are not news to anyone, the demo links are made up (seeding
    # works offline), and the roster re-checks itself at night.
    with nothing_after_commit():
        for plan in WORK:
            window = windows.get(plan.assignment)
            if isinstance(plan.person, int):
                person = members[plan.person] if plan.person < len(members) else None
            else:
                person = accounts[plan.person]
            if window is None or person is None or not window.is_open_at(now):
                continue
            if Submission.objects.filter(
                assignment=window.assignment, cohort=cohort, user=person
            ).exists():
                continue  # made by an earlier run, or by the person themselves
            written["reviews"] += _work(
                plan, person=person, window=window, trainer=accounts[TRAINER], now=now
            )
            written["submissions"] += 1
    return written


@transaction.atomic
def demo_assessments_seed() -> dict[str, int]:
    """Create or update the demo assignments and their rubrics, then the work in the
    running cohort. Returns counts of rows written."""
    return {**_seed_assignments(), **_seed_work()}
