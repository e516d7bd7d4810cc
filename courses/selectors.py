"""Reads about courses: who may open a lesson, outlines, progress, knowledge-check results.

Every function here answers for many courses or lessons in a fixed number of queries, so
the catalogue, the course page and the dashboard stay fast however much content there is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import F, IntegerField, Q, QuerySet, Value
from django.db.models.functions import Left
from django.utils import timezone
from wagtail.blocks import StreamValue
from wagtail.models import Page

from competencies.models import Competency
from core.pagecache import stamped
from people.roles import user_is_trainer

from .extensions import COURSES_TAKEN, LESSON_RELEASE
from .models import (
    Audience,
    CourseCompletion,
    CourseIndexPage,
    CoursePage,
    KnowledgeCheckAttempt,
    LessonCompletion,
    LessonPage,
)
from .release import LessonLock, LessonRelease, LockReason

STEP = Page.steplen  # characters of a tree path per level


def _parent_path(path: str) -> str:
    return path[:-STEP]


def _with_parent_path(queryset: QuerySet) -> QuerySet:
    """Annotate each page with its parent's tree path, computed in the database."""
    return queryset.annotate(parent_path=Left("path", (F("depth") - 1) * STEP))


def _common_prefix(paths: Iterable[str]) -> str:
    """The longest tree path that every path in ``paths`` starts with."""
    paths = list(paths)
    prefix = paths[0]
    for path in paths[1:]:
        length = 0
        while length < min(len(prefix), len(path)) and prefix[length] == path[length]:
            length += 1
        prefix = prefix[:length]
    return prefix[: len(prefix) - len(prefix) % STEP]


# --- Access ----------------------------------------------------------------------------


def course_titles_by_lesson_path() -> Callable[[str], str | None]:
    """A reader of a lesson's course title from the lesson's tree path (None when the
    lesson does not sit under a course), for lists naming lessons by course: one query,
    however many lessons are then named."""
    titles = dict(CoursePage.objects.values_list("path", "title"))
    return lambda path: titles.get(_parent_path(path))


def lessons_by_course() -> list[tuple[str, list[tuple[int, str]]]]:
    """Every lesson as (pk, title), grouped under its course's title, courses by title and
    lessons in course order, for a grouped choice list (two queries)."""
    course_title = course_titles_by_lesson_path()
    groups: dict[str, list[tuple[int, str]]] = {}
    titles: dict[str, str] = {}
    for pk, path, title in LessonPage.objects.order_by("path").values_list("pk", "path", "title"):
        parent_title = course_title(path)
        if parent_title is not None:
            parent = _parent_path(path)
            titles[parent] = parent_title
            groups.setdefault(parent, []).append((pk, title))
    return [(titles[parent], groups[parent]) for parent in sorted(groups, key=titles.get)]


def lesson_course(*, lesson: LessonPage) -> CoursePage | None:
    """The course a lesson belongs to (live or not), read once per lesson object."""
    if not hasattr(lesson, "_courses_course"):
        lesson._courses_course = _course_at(_parent_path(lesson.path)) if lesson.path else None
    return lesson._courses_course


def _course_at(path: str) -> CoursePage | None:
    """The course at a tree path (live or not), kept until the content stamp changes."""
    return stamped(
        f"courses:course-at:{path}", lambda: CoursePage.objects.filter(path=path).first()
    )


def lesson_release_for_course(*, user, course: CoursePage, now=None) -> LessonRelease:
    """Which lessons of ``course`` are open to ``user`` at ``now`` (default: now), and why
    the others are not.

    - Visitors and inactive accounts: nothing is open (log in first).
    - Trainers and site admins: everything, always.
    - Anyone else: what the apps that run the course answer through
      :data:`~courses.extensions.LESSON_RELEASE` (cohorts: the lessons released to the
      person's cohorts); a course no app has a say about is self-paced, open to everyone.

    Costs no query for visitors and trainers, and for others what the answering apps cost: a fixed
    number for the whole course (cohorts: one, or four for a person in a cohort). Whether
    the course and its lessons are live is not checked here.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return LessonRelease(default_lock=LessonLock(reason=LockReason.SIGN_IN))
    if user_is_trainer(user):
        return LessonRelease.all_open()
    moment = now if now is not None else timezone.now()
    return LessonRelease.combine(LESSON_RELEASE.collect(user=user, course=course, now=moment))


def lesson_is_available(*, user, lesson: LessonPage, release: LessonRelease | None = None) -> bool:
    """May ``user`` read ``lesson`` and answer its checks?

    The one place that decides it:

    1. Visitors and inactive accounts: no.
    2. Trainers and site admins: always, drafts too (in the admin preview).
    3. Anyone else: only a live lesson of a live course, and only when it is released to
       them (see :func:`lesson_release_for_course`). A course run in cohorts opens a lesson
       to the people holding a place in one of its cohorts, from the start of the session
       that covers it (earlier lessons stay open); any other course is open to everyone.

    Pass ``release`` when the course's release for ``user`` is already at hand, to save
    its queries.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user_is_trainer(user):
        return True
    course = lesson_course(lesson=lesson)
    if not (lesson.live and course is not None and course.live):
        return False
    if release is None:
        release = lesson_release_for_course(user=user, course=course)
    return release.is_open(lesson.pk)


# --- Outlines and progress ------------------------------------------------------------


@dataclass
class CourseProgress:
    """Where one person is in one course: the live lessons, which are done, what is next."""

    lessons: list[LessonPage] = field(default_factory=list)
    done_ids: set[int] = field(default_factory=set)
    completed: bool = False

    @property
    def lesson_count(self) -> int:
        return len(self.lessons)

    @property
    def done_count(self) -> int:
        return sum(1 for lesson in self.lessons if lesson.pk in self.done_ids)

    @property
    def percent(self) -> int:
        if not self.lessons:
            return 100 if self.completed else 0
        return round(100 * self.done_count / self.lesson_count)

    @property
    def minutes(self) -> int:
        return sum(lesson.minutes for lesson in self.lessons)

    @property
    def started(self) -> bool:
        return self.done_count > 0 or self.completed

    @property
    def next_lesson(self) -> LessonPage | None:
        """The first live lesson not done yet; None when every lesson is done."""
        return next((lesson for lesson in self.lessons if lesson.pk not in self.done_ids), None)

    def is_done(self, lesson: LessonPage) -> bool:
        return lesson.pk in self.done_ids


def course_lessons_map(
    *, courses: list[CoursePage], with_competencies: bool = False
) -> dict[int, list[LessonPage]]:
    """The live lessons of each course, in tree order, in one query (two with competencies),
    kept until the content stamp changes (publishing, moving or deleting a page changes it).

    Lesson bodies are not loaded: outlines need titles, minutes and addresses only.
    """
    if not courses:
        return {}
    ids = ",".join(str(pk) for pk in sorted(course.pk for course in courses))
    return stamped(
        f"courses:lessons:{int(with_competencies)}:{ids}",
        lambda: _course_lessons_map(courses=courses, with_competencies=with_competencies),
    )


def _course_lessons_map(
    *, courses: list[CoursePage], with_competencies: bool
) -> dict[int, list[LessonPage]]:
    by_path = {course.path: course.pk for course in courses}
    lessons = (
        _with_parent_path(LessonPage.objects.live())
        .filter(path__startswith=_common_prefix(by_path), parent_path__in=list(by_path))
        .defer("body")
        .order_by("path")
    )
    if with_competencies:
        lessons = lessons.prefetch_related("competencies")
    outline: dict[int, list[LessonPage]] = {course.pk: [] for course in courses}
    for lesson in lessons:
        outline[by_path[lesson.parent_path]].append(lesson)
    return outline


_LESSON, _COURSE = 1, 2


def course_progress_map(
    *,
    user,
    courses: list[CoursePage],
    lessons_map: dict[int, list[LessonPage]] | None = None,
) -> dict[int, CourseProgress]:
    """Each course's progress for ``user``, in at most two queries for any number (one
    when the outlines are in the cache or given)."""
    if not courses:
        return {}
    if lessons_map is None:
        lessons_map = course_lessons_map(courses=courses)
    done_ids: set[int] = set()
    completed_ids: set[int] = set()
    if getattr(user, "is_authenticated", False):
        # Lessons done and courses completed, in one query: (kind, id) rows.
        prefix = _common_prefix(course.path for course in courses)
        done = LessonCompletion.objects.filter(
            user=user, lesson__path__startswith=prefix
        ).values_list(Value(_LESSON, output_field=IntegerField()), "lesson_id")
        completed = CourseCompletion.objects.filter(
            user=user, course_id__in=[course.pk for course in courses]
        ).values_list(Value(_COURSE, output_field=IntegerField()), "course_id")
        for kind, pk in done.union(completed, all=True):
            (done_ids if kind == _LESSON else completed_ids).add(pk)
    return {
        course.pk: CourseProgress(
            lessons=lessons_map.get(course.pk, []),
            done_ids=done_ids,
            completed=course.pk in completed_ids,
        )
        for course in courses
    }


def _competencies_of(course: CoursePage, lessons: list[LessonPage]) -> list[Competency]:
    """What a course covers: its own competencies and those of its live lessons; kept
    until the content stamp changes (competencies change it too)."""
    return stamped(
        f"courses:competencies-of:{course.pk}", lambda: _read_competencies_of(course, lessons)
    )


def _read_competencies_of(course: CoursePage, lessons: list[LessonPage]) -> list[Competency]:
    found = {competency.pk: competency for competency in course.competencies.all()}
    for lesson in lessons:
        for competency in lesson.competencies.all():
            found.setdefault(competency.pk, competency)
    return sorted(found.values(), key=lambda competency: (competency.sort_order, competency.name))


# --- The catalogue --------------------------------------------------------------------


@dataclass
class CourseCard:
    course: CoursePage
    progress: CourseProgress
    competencies: list[Competency]


def catalogue_competencies(*, index: CourseIndexPage) -> list[Competency]:
    """The competencies covered by live courses (or their live lessons) in a catalogue."""
    courses = CoursePage.objects.live().child_of(index)
    lessons = LessonPage.objects.live().descendant_of(index)
    return list(
        Competency.objects.filter(
            Q(pk__in=courses.values("competencies")) | Q(pk__in=lessons.values("competencies"))
        ).order_by("sort_order", "name")
    )


def _search_course_ids(*, index: CourseIndexPage, query: str) -> list[int]:
    """Courses matching ``query`` in their own text or in a lesson's, best matches first."""
    ranked = [page.pk for page in CoursePage.objects.live().child_of(index).search(query)]
    lesson_parents = [
        _parent_path(lesson.path)
        for lesson in LessonPage.objects.live().descendant_of(index).search(query)
    ]
    if lesson_parents:
        by_path = dict(
            CoursePage.objects.live()
            .child_of(index)
            .filter(path__in=lesson_parents)
            .values_list("path", "pk")
        )
        for path in lesson_parents:
            if path in by_path and by_path[path] not in ranked:
                ranked.append(by_path[path])
    return ranked


def catalogue_courses(
    *,
    index: CourseIndexPage,
    audience: str = "",
    competency: Competency | None = None,
    query: str = "",
) -> list[CoursePage]:
    """The live courses of a catalogue that match the filters, in catalogue order.

    ``audience`` "managers" or "employees" includes the courses for everyone; a competency
    matches courses that cover it themselves or through one of their live lessons; a search
    looks in courses and their lessons and puts the best matches first.
    """
    courses = CoursePage.objects.live().child_of(index)
    if audience in (Audience.MANAGERS, Audience.EMPLOYEES):
        courses = courses.filter(audience__in=[audience, Audience.EVERYONE])
    elif audience == Audience.EVERYONE:
        courses = courses.filter(audience=Audience.EVERYONE)
    if competency is not None:
        lesson_parents = _with_parent_path(
            LessonPage.objects.live().filter(competencies=competency)
        ).values("parent_path")
        covering = CoursePage.objects.filter(competencies=competency).values("pk")
        courses = courses.filter(Q(pk__in=covering) | Q(path__in=lesson_parents))
    ranked: list[int] = []
    if query:
        ranked = _search_course_ids(index=index, query=query)
        courses = courses.filter(pk__in=ranked)
    courses = courses.select_related("cover_image").prefetch_related(
        "competencies", "cover_image__renditions"
    )
    found = list(courses.order_by("path"))
    if query:
        rank = {pk: position for position, pk in enumerate(ranked)}
        found.sort(key=lambda course: rank[course.pk])
    return found


def catalogue_cards(
    *,
    user,
    index: CourseIndexPage,
    audience: str = "",
    competency: Competency | None = None,
    query: str = "",
) -> list[CourseCard]:
    """Everything the catalogue shows for each matching course, in a fixed number of queries."""
    courses = catalogue_courses(index=index, audience=audience, competency=competency, query=query)
    lessons_map = course_lessons_map(courses=courses, with_competencies=True)
    progress = course_progress_map(user=user, courses=courses, lessons_map=lessons_map)
    return [
        CourseCard(
            course=course,
            progress=progress[course.pk],
            competencies=_competencies_of(course, lessons_map[course.pk]),
        )
        for course in courses
    ]


def catalogue_first() -> CourseIndexPage | None:
    """The site's course catalogue: the first live one in the tree."""
    return stamped(
        "courses:catalogue-first",
        lambda: CourseIndexPage.objects.live().order_by("path").first(),
    )


# --- One course -----------------------------------------------------------------------


@dataclass
class CourseOverview:
    progress: CourseProgress
    competencies: list[Competency]
    signed_in: bool
    release: LessonRelease | None = None  # None for visitors: lessons ask them to log in

    def lock_for(self, lesson: LessonPage) -> LessonLock | None:
        """Why the person may not open ``lesson`` yet, or None when they may."""
        return None if self.release is None else self.release.lock_for(lesson.pk)

    @property
    def next_lesson(self) -> LessonPage | None:
        """The first lesson that is open to the person and not done yet."""
        return next(
            (
                lesson
                for lesson in self.progress.lessons
                if not self.progress.is_done(lesson) and self.lock_for(lesson) is None
            ),
            None,
        )

    @property
    def next_lock(self) -> LessonLock | None:
        """When no open lesson is left to do: why the first lesson not done is locked."""
        if self.next_lesson is not None:
            return None
        waiting = self.progress.next_lesson
        return None if waiting is None else self.lock_for(waiting)


def course_overview(*, user, course: CoursePage) -> CourseOverview:
    """A course's outline, what it covers, the person's progress in it and which of its
    lessons are open to them (see :func:`lesson_release_for_course`)."""
    lessons_map = course_lessons_map(courses=[course], with_competencies=True)
    signed_in = getattr(user, "is_authenticated", False)
    return CourseOverview(
        progress=course_progress_map(user=user, courses=[course], lessons_map=lessons_map)[
            course.pk
        ],
        competencies=_competencies_of(course, lessons_map[course.pk]),
        signed_in=signed_in,
        release=lesson_release_for_course(user=user, course=course) if signed_in else None,
    )


def courses_in_progress(*, user) -> list[tuple[CoursePage, CourseProgress]]:
    """Live courses the person has started (a lesson done) or takes (apps above say so
    through ``COURSES_TAKEN``: a place in a cohort), and not completed yet."""
    if not getattr(user, "is_authenticated", False):
        return []
    started_paths = _with_parent_path(
        LessonPage.objects.live().filter(completions__user=user)
    ).values("parent_path")
    taken = set(COURSES_TAKEN.collect(user=user))
    courses = list(
        CoursePage.objects.live()
        .filter(Q(path__in=started_paths) | Q(pk__in=taken))
        .exclude(pk__in=CourseCompletion.objects.filter(user=user).values("course_id"))
        .order_by("path")
    )
    progress = course_progress_map(user=user, courses=courses)
    return [(course, progress[course.pk]) for course in courses]


# --- One lesson -----------------------------------------------------------------------


def knowledge_check_block(*, lesson: LessonPage, block_id: str):
    """The knowledge-check block with this id in the lesson's live body, or None."""
    body: StreamValue = lesson.body
    for child in body:
        if child.id == block_id and child.block_type == "knowledge_check":
            return child
    return None


def lesson_competencies(*, lesson: LessonPage) -> list[Competency]:
    """The competencies a lesson's checks give evidence for: its own, else its course's."""
    own = list(lesson.competencies.all())
    if own:
        return own
    course = lesson_course(lesson=lesson)
    return list(course.competencies.all()) if course is not None else []


def latest_attempts(*, user, lesson: LessonPage) -> dict[str, KnowledgeCheckAttempt]:
    """The person's most recent attempt at each knowledge check of a lesson, by block id."""
    if not getattr(user, "is_authenticated", False) or lesson.pk is None:
        return {}
    latest: dict[str, KnowledgeCheckAttempt] = {}
    # Newest first: the first attempt seen for a check is its latest.
    for attempt in KnowledgeCheckAttempt.objects.filter(user=user, lesson=lesson).order_by("-pk"):
        latest.setdefault(attempt.block_id, attempt)
    return latest


@dataclass(frozen=True)
class ChoiceRow:
    """One answer of a knowledge check as the page shows it."""

    index: int
    text: str
    correct: bool
    chosen: bool


def knowledge_check_rows(value, attempt: KnowledgeCheckAttempt | None) -> list[ChoiceRow]:
    """The answers of a check, marked with what the person chose in ``attempt``."""
    chosen = set(attempt.selected) if attempt is not None else set()
    return [
        ChoiceRow(index=i, text=choice["text"], correct=bool(choice["correct"]), chosen=i in chosen)
        for i, choice in enumerate(value["choices"])
    ]


@dataclass
class LessonOverview:
    course: CoursePage | None
    progress: CourseProgress
    position: int | None  # 1-based among the live lessons; None in a draft preview
    previous: LessonPage | None
    next: LessonPage | None
    done: bool
    body: list[tuple] = field(default_factory=list)  # (stream child, latest attempt or None)
    release: LessonRelease | None = None  # which lessons of the course are open to the person

    def lock_for(self, lesson: LessonPage) -> LessonLock | None:
        """Why the person may not open ``lesson`` yet, or None when they may."""
        return None if self.release is None else self.release.lock_for(lesson.pk)

    @property
    def next_lock(self) -> LessonLock | None:
        """Why the next lesson is not open yet, or None (open, or no next lesson)."""
        return None if self.next is None else self.lock_for(self.next)


class RenderedBlock:
    """A lesson's stream child whose HTML was rendered once for everybody: ``include_block``
    gets the kept HTML, anything else asked of it is the child's own answer."""

    def __init__(self, child, html: str):
        self._child = child
        self._html = html

    def __getattr__(self, name):
        return getattr(self._child, name)

    def render_as_block(self, context=None):
        return self._html


# Blocks that show the person something of their own (their answers) are rendered for
# each request; every other block looks the same to everybody.
PERSONAL_BLOCKS = frozenset({"knowledge_check"})


def lesson_body(*, lesson: LessonPage, shared: bool = True) -> list:
    """The lesson's stream children, the ones that look the same to everybody already
    rendered (:class:`RenderedBlock`), kept until the content stamp changes (publishing
    the lesson changes it). ``shared=False`` (a preview of a draft) renders nothing ahead."""
    children = list(lesson.body)
    if not shared or lesson.pk is None:
        return children
    html = stamped(
        f"courses:lesson-body:{lesson.pk}:{lesson.live_revision_id}",
        lambda: {
            child.id: str(child.render())
            for child in children
            if child.block_type not in PERSONAL_BLOCKS and child.id
        },
    )
    return [
        RenderedBlock(child, html[child.id]) if child.id in html else child for child in children
    ]


def lesson_overview(
    *, user, lesson: LessonPage, release: LessonRelease | None = None, shared: bool = True
) -> LessonOverview:
    """Everything around a lesson's body: its course, neighbours, progress, check results,
    and which lessons of the course are open to the person (``release``: the course's
    release for ``user``, when already at hand). ``shared=False`` for a draft's preview:
    nothing of the body is taken from the cache."""
    course = lesson_course(lesson=lesson)
    progress = (
        course_progress_map(user=user, courses=[course])[course.pk]
        if course is not None
        else CourseProgress()
    )
    ids = [item.pk for item in progress.lessons]
    position = ids.index(lesson.pk) if lesson.pk in ids else None
    body = lesson_body(lesson=lesson, shared=shared)
    has_checks = any(child.block_type in PERSONAL_BLOCKS for child in body)
    attempts = latest_attempts(user=user, lesson=lesson) if has_checks else {}
    if release is None and course is not None:
        release = lesson_release_for_course(user=user, course=course)
    return LessonOverview(
        course=course,
        progress=progress,
        position=None if position is None else position + 1,
        previous=progress.lessons[position - 1] if position else None,
        next=(
            progress.lessons[position + 1]
            if position is not None and position + 1 < len(ids)
            else None
        ),
        done=lesson.pk in progress.done_ids,
        body=[(child, attempts.get(child.id)) for child in body],
        release=release,
    )
