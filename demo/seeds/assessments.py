"""Demo practice for Kestrel Rail: something real to do between sessions in each demo
course, with a short rubric mapped to the competency framework, and work in every state in
the running cohort.

``seed_demo`` calls :func:`demo_assessments_seed` after the cohorts. Assignments are found
by course and title; a second run finds them as they are and writes nothing. The work
(:data:`WORK`) goes through the same services as the pages (``submission_draft_save``,
``submission_submit``, ``review_decide``), so accepted work writes competency evidence as
it would for real; each piece is made once, and skipped when that person already has an
attempt at that assignment in the cohort. Nothing is sent (see
:func:`demo.helpers.nothing_after_commit`).
"""

import io
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image, ImageDraw

from assessments import services
from assessments.linkcheck import LinkCheckResult
from assessments.models import Assignment, Review, RubricCriterion, Submission
from assessments.selectors import Window, assignment_windows
from cms.models import Platform
from cohorts.models import Cohort, Enrollment
from competencies.levels import Level
from competencies.models import Competency
from courses.models import CoursePage, LessonPage
from demo import content
from demo.helpers import nothing_after_commit, upsert
from demo.markdown import plain_paragraphs, to_html
from people.models import User


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


def _assignment(fields: dict, body: str) -> DemoAssignment:
    criteria = tuple(
        DemoCriterion(c["description"], c["competency"], Level[c["level"].upper()])
        for c in fields.get("criteria", ())
    )
    platforms = tuple(fields.get("platforms", ()))
    values = {**fields, "criteria": criteria, "platforms": platforms}
    return DemoAssignment(**values, instructions=to_html(body))


# One Markdown file each (the front matter holds the settings and the rubric), in file order.
ASSIGNMENTS = [
    _assignment(*content.load_markdown(f"assignments/{path.name}"))
    for path in sorted((content.CONTENT / "assignments").glob("*.md"))
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


def _planned_work(data: dict) -> DemoWork:
    at = data.get("at")
    check = data.get("link_check")
    values = {
        **data,
        "state": Status(data["state"]),
        "reflection": plain_paragraphs(data["reflection"]),
        "at": None if at is None else (at["after"], timedelta(days=at["days"], hours=at["hours"])),
        "link_check": None
        if check is None
        else (check["status"], check["http_status"], check["title"]),
        "met": tuple(data.get("met", ())),
    }
    return DemoWork(**values)


WORK = [_planned_work(work) for work in content.load_yaml("practice-work.yaml")["work"]]


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
