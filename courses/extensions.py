"""What ``courses`` lets the apps above it decide, without importing them (see
``core.extensions``).

:data:`LESSON_RELEASE`: which lessons of a course are open to a person. A function
receives the signed-in person (never a trainer or site admin: they always see
everything), a live course and the current moment as ``user``, ``course`` and ``now``,
and returns ``None`` when its app has no say about that course, or a
:class:`~courses.release.LessonRelease` with the lessons open to that person and, for the
others, a :class:`~courses.release.LessonLock` that explains why and until when::

    def my_release(*, user, course, now):
        if not my_app_runs(course):
            return None  # no say about this course
        return LessonRelease(open_ids=frozenset(...), locks={...})

    LESSON_RELEASE.register(my_release)  # in myapp/wagtail_hooks.py

A course no app has a say about is self-paced: every live lesson is open to every
signed-in person. When several apps answer, a lesson is open only if every one of them
opens it (``LessonRelease.combine``). Each function must answer for a whole course in a
fixed number of queries.

:data:`COURSE_PAGE_SECTIONS`: sections of a course's page, for signed-in readers. A
function receives the request and the course (keywords) and returns a
:class:`core.dashboard.DashboardPanel`, or ``None``; the page renders them in
``(order, title)`` at the top of its side column, each template with ``section`` in its
context. ``cohorts`` adds the cohorts open to the reader (or interest in the next run).
Each function keeps to a fixed number of queries.

:data:`COURSES_TAKEN`: the courses a person takes because an app above enrolled them (a
place in a cohort), whether or not they have opened a lesson yet. A function receives the
signed-in person as ``user`` and returns the ids of those courses (any iterable of ints),
or ``None``; the dashboard's "Your courses" lists them with the courses the person has
started, so nobody enrolled reads "You have not started a course yet". One query at most.
"""

from core.dashboard import DashboardPanel
from core.extensions import extension_point

from .release import LessonRelease

LESSON_RELEASE = extension_point(
    "spoke_lesson_release", receives=("user", "course", "now"), returns=LessonRelease
)

COURSES_TAKEN = extension_point("spoke_courses_taken", receives=("user",), returns=int, many=True)

COURSE_PAGE_SECTIONS = extension_point(
    "spoke_course_page_sections",
    receives=("request", "course"),
    returns=DashboardPanel,
    ordered=True,
)
