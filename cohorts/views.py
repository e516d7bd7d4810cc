"""What members see of a cohort: its page, its calendar file and their private feed.

Whoever may not see a cohort gets a 404, the same answer as for a cohort that does not
exist, so its existence is not given away. Calendar apps cannot log in: the private feed
is found by its secret token alone.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import error_text
from courses.models import CoursePage
from courses.selectors import course_progress_map, lesson_release_for_course
from people.models import zone_or_utc

from .calendar import cohort_calendar, cohort_calendar_filename, person_calendar
from .extensions import COHORT_PAGE_SECTIONS
from .models import CalendarFeed, Cohort, Enrollment, Session
from .selectors import (
    CohortAccess,
    calendar_feed_for,
    calendar_sessions_for,
    cohort_access_for,
    cohort_members,
    cohort_sessions,
    enrollment_status_label,
    lessons_done_ids,
)
from .services import (
    ENROLLED_MESSAGE,
    WAITLIST_MESSAGE,
    calendar_feed_open,
    course_interest_register,
    course_interest_withdraw,
    enrollment_accept_invitation,
    enrollment_request,
    enrollment_withdraw,
)
from .services import calendar_feed_reset as calendar_feed_reset_service

CALENDAR_CONTENT_TYPE = "text/calendar; charset=utf-8"
FEED_MAX_AGE = 300


def _cohort_access(request, pk: int) -> CohortAccess:
    """The cohort and the viewer's standing in it, or 404 if they may not see it."""
    cohort = get_object_or_404(Cohort.objects.select_related("course"), pk=pk)
    access = cohort_access_for(cohort=cohort, user=request.user)
    if access is None:
        raise Http404(_("No cohort found."))
    return access


def _calendar_response(body: bytes, *, filename: str | None = None) -> HttpResponse:
    response = HttpResponse(body, content_type=CALENDAR_CONTENT_TYPE)
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@dataclass(frozen=True)
class SessionRow:
    """A session on the cohort page, with its lessons, which of them the viewer may open
    (released to them) and which they did."""

    session: Session
    lessons: list
    done_ids: frozenset[int]
    open_ids: frozenset[int]
    is_past: bool
    is_next: bool


@login_required
@require_GET
def cohort_detail(request, pk: int):
    """The cohort's page: schedule, trainers, fellow members, what is due and the sections
    other apps add."""
    access = _cohort_access(request, pk)
    cohort = access.cohort
    now = timezone.now()
    sessions = list(cohort_sessions(cohort=cohort))
    # The person's progress in the course: the same selector, so the same numbers, as the
    # course page and the dashboard; its completions serve the schedule's ticks too.
    progress = None
    if access.enrollment is not None:
        progress = course_progress_map(user=request.user, courses=[cohort.course])[cohort.course.pk]
        done_ids = frozenset(progress.done_ids)
    else:
        done_ids = lessons_done_ids(
            user=request.user,
            lessons=[lesson for session in sessions for lesson in session.lessons.all()],
        )
    next_session = next((session for session in sessions if session.ends_at > now), None)
    release = lesson_release_for_course(user=request.user, course=cohort.course, now=now)
    lessons = [lesson for session in sessions for lesson in session.lessons.all()]
    open_ids = frozenset(lesson.pk for lesson in lessons if release.is_open(lesson.pk))
    rows = [
        SessionRow(
            session=session,
            lessons=list(session.lessons.all()),
            done_ids=done_ids,
            open_ids=open_ids,
            is_past=session.ends_at <= now,
            is_next=session is next_session,
        )
        for session in sessions
    ]
    # What is due: the lessons released to the person so far that they have not done.
    due = []
    if access.holds_a_place:
        seen: set[int] = set()
        for lesson in lessons:
            if lesson.pk in open_ids and lesson.pk not in done_ids and lesson.pk not in seen:
                seen.add(lesson.pk)
                due.append(lesson)
    members = list(cohort_members(cohort=cohort)) if access.may_see_members else []
    cohort_tz = zone_or_utc(cohort.time_zone)
    viewer_tz = zone_or_utc(request.user.time_zone)
    response = render(
        request,
        "cohorts/cohort_detail.html",
        {
            "cohort": cohort,
            "access": access,
            "rows": rows,
            "next_session": next_session,
            "due": due,
            "progress": progress,
            "my_status_label": (
                enrollment_status_label(status=access.enrollment.status, progress=progress)
                if access.enrollment is not None
                else ""
            ),
            "members": members,
            "cohort_tz": cohort_tz,
            "viewer_tz": viewer_tz,
            "same_zone": cohort_tz.key == viewer_tz.key,
            "course_url": cohort.course.get_url(request) if cohort.course.live else "",
            # What other apps add (practice, for instance): see ``cohorts.extensions``.
            "sections": COHORT_PAGE_SECTIONS.collect(request=request, cohort=cohort, access=access),
        },
    )
    patch_cache_control(response, private=True)
    return response


@login_required
@require_GET
def cohort_calendar_download(request, pk: int):
    """The cohort's schedule as an .ics file, for the same people who see its page."""
    access = _cohort_access(request, pk)
    sessions = cohort_sessions(cohort=access.cohort)
    body = cohort_calendar(access.cohort, sessions, show_video=access.may_see_video)
    response = _calendar_response(body, filename=cohort_calendar_filename(access.cohort))
    patch_cache_control(response, private=True, no_cache=True)
    return response


@require_GET
def personal_feed(request, token: str):
    """A person's private calendar feed, found by its secret token; no log-in needed."""
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token=token, user__is_active=True)
        .first()
    )
    if feed is None:
        raise Http404(_("No calendar feed at this address."))
    sessions = list(calendar_sessions_for(user=feed.user))
    body = person_calendar(
        sessions,
        name=_("Spoke sessions"),
        show_video_for={session.cohort_id for session in sessions},
    )
    response = _calendar_response(body)
    response["Cache-Control"] = f"private, max-age={FEED_MAX_AGE}"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _feed_url(request, feed: CalendarFeed) -> str:
    return request.build_absolute_uri(reverse("cohorts:feed", args=[feed.token]))


@login_required
@require_http_methods(["GET", "POST"])
def calendar_feed_page(request):
    """The person's private feed address, how to subscribe to it, and how to reset it.
    GET only reads: before the first visit's POST there is no address, and the page
    offers to make one."""
    if request.method == "POST":
        calendar_feed_open(user=request.user)
        messages.success(request, _("Your calendar address is ready: subscribe with it below."))
        return redirect("cohorts:calendar")
    feed = calendar_feed_for(user=request.user)
    context = {"feed_url": "", "webcal_url": ""}
    if feed is not None:
        url = _feed_url(request, feed)
        context = {"feed_url": url, "webcal_url": "webcal://" + url.split("://", 1)[1]}
    response = render(request, "cohorts/calendar_feed.html", context)
    patch_cache_control(response, private=True, no_store=True)
    return response


@login_required
@require_POST
def calendar_feed_reset(request):
    """Give the person a new feed address; the old one stops working at once."""
    calendar_feed_reset_service(user=request.user)
    messages.success(
        request,
        _(
            "Your calendar address was reset. The old address no longer works: "
            "subscribe again with the new one."
        ),
    )
    return redirect("cohorts:calendar")


# --- Enrolment ------------------------------------------------------------------------


def _placed_message(enrollment: Enrollment) -> str:
    """The success message for an enrollment, in the language of the request."""
    if enrollment.status == Enrollment.Status.WAITLISTED:
        return str(WAITLIST_MESSAGE)
    return str(ENROLLED_MESSAGE)


@login_required
@require_POST
def cohort_enrol(request, pk: int):
    """Enrol the person in an open cohort (or put them on its waitlist when it is full)."""
    cohort = get_object_or_404(Cohort.objects.select_related("course"), pk=pk)
    access = cohort_access_for(cohort=cohort, user=request.user)
    open_to_some = cohort.is_published and cohort.enrollment_mode == Cohort.EnrollmentMode.OPEN
    if access is None and not open_to_some:
        raise Http404(_("No cohort found."))
    try:
        enrollment = enrollment_request(cohort=cohort, user=request.user)
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, error_text(error))
        # Someone outside the allowed units may not see the page: send them home.
        return redirect("cohorts:detail", pk=cohort.pk) if access else redirect("dashboard")
    messages.success(request, _placed_message(enrollment))
    return redirect("cohorts:detail", pk=cohort.pk)


@login_required
@require_POST
def cohort_accept(request, pk: int):
    """Accept the invitation to a cohort: a place if one is free, else the waitlist."""
    access = _cohort_access(request, pk)
    if access.enrollment is None:
        raise Http404(_("No invitation found."))
    try:
        enrollment = enrollment_accept_invitation(enrollment=access.enrollment, by=request.user)
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _placed_message(enrollment))
    return redirect("cohorts:detail", pk=access.cohort.pk)


@login_required
@require_http_methods(["GET", "POST"])
def cohort_withdraw(request, pk: int):
    """Leave a cohort: GET asks to confirm, POST withdraws and frees the place."""
    access = _cohort_access(request, pk)
    if not access.is_active_member:
        raise Http404(_("You are not in this cohort."))
    cohort = access.cohort
    if request.method == "POST":
        try:
            enrollment_withdraw(enrollment=access.enrollment, by=request.user)
        except (PermissionDenied, ValidationError) as error:
            messages.error(request, error_text(error))
            return redirect("cohorts:detail", pk=cohort.pk)
        messages.success(request, _("You have left %(name)s.") % {"name": cohort.name})
        return redirect("dashboard")
    response = render(
        request,
        "cohorts/cohort_withdraw.html",
        {"cohort": cohort, "access": access},
    )
    patch_cache_control(response, private=True)
    return response


# --- Interest in the next run of a course -------------------------------------------------

INTEREST_ACTIONS = ("register", "withdraw")


@login_required
@require_POST
def course_interest(request, course_pk: int):
    """Register (``action=register``) or withdraw (``action=withdraw``) the person's
    interest in the next cohort of a live course, then go back to the course's page. A
    course that does not exist or is not published is a 404; asking twice changes
    nothing."""
    course = CoursePage.objects.live().filter(pk=course_pk).first()
    if course is None:
        raise Http404(_("No course found."))
    action = request.POST.get("action", "")
    if action not in INTEREST_ACTIONS:
        return HttpResponseBadRequest(_("Choose to register or to withdraw your interest."))
    if action == "withdraw":
        if course_interest_withdraw(course=course, user=request.user):
            messages.success(request, _("Done: we will not e-mail you about this course."))
        else:
            messages.info(request, _("You had not registered interest in this course."))
    else:
        try:
            _interest, created = course_interest_register(course=course, user=request.user)
        except (PermissionDenied, ValidationError) as error:
            messages.error(request, error_text(error))
        else:
            if created:
                messages.success(
                    request, _("Noted: we e-mail you when the next cohort of this course opens.")
                )
            else:
                messages.info(request, _("You are already on the list for this course."))
    return redirect(f"{course.get_url(request)}#course-cohorts")
