"""What members see of a cohort: its page, its calendar file and their private feed.

Whoever may not see a cohort gets a 404, the same answer as for a cohort that does not
exist, so its existence is not given away. Calendar apps cannot log in: the private feed
is found by its secret token alone.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from courses.models import LessonCompletion, LessonPage
from people.models import zone_or_utc
from people.roles import user_is_site_admin
from people.selectors import unit_descendant_ids

from .calendar import cohort_calendar, cohort_calendar_filename, person_calendar
from .models import CalendarFeed, Cohort, Enrollment, Session
from .services import (
    ENROLLED_MESSAGE,
    WAITLIST_MESSAGE,
    enrollment_accept_invitation,
    enrollment_request,
    enrollment_withdraw,
)
from .services import calendar_feed_reset as calendar_feed_reset_service

# Enrollments one can still withdraw from; withdrawn and completed ones are done with.
ACTIVE_STATUSES = (
    Enrollment.Status.INVITED,
    Enrollment.Status.ENROLLED,
    Enrollment.Status.WAITLISTED,
)
CALENDAR_CONTENT_TYPE = "text/calendar; charset=utf-8"
FEED_MAX_AGE = 300


@dataclass(frozen=True)
class CohortAccess:
    """Who the viewer is to a cohort: trainer, member (with their enrollment) or admin."""

    cohort: Cohort
    trainers: list
    enrollment: Enrollment | None
    is_trainer: bool
    is_admin: bool
    # Not a member, trainer or admin: someone who may enrol in an open cohort and sees its
    # schedule and trainers only.
    is_visitor: bool = False

    @property
    def is_active_member(self) -> bool:
        return self.enrollment is not None and self.enrollment.status in ACTIVE_STATUSES

    @property
    def may_see_members(self) -> bool:
        return not self.is_visitor

    @property
    def may_enrol(self) -> bool:
        """Show the "Enrol" form: an open, published cohort that has not finished or been
        cancelled, to someone without an active enrollment who does not train it."""
        cohort = self.cohort
        return (
            cohort.enrollment_mode == Cohort.EnrollmentMode.OPEN
            and cohort.status in (Cohort.Status.SCHEDULED, Cohort.Status.RUNNING)
            and not self.is_active_member
            and not self.is_trainer
        )

    @property
    def may_accept(self) -> bool:
        return self.enrollment is not None and self.enrollment.status == Enrollment.Status.INVITED

    @property
    def holds_a_place(self) -> bool:
        return self.enrollment is not None and self.enrollment.status in Enrollment.HOLDS_A_PLACE

    @property
    def may_see_video(self) -> bool:
        """Video links are for people with a place, the cohort's trainers and site admins."""
        return self.is_trainer or self.is_admin or self.holds_a_place


def _people_names_only(queryset):
    """Load names and units only: e-mail addresses never reach the template."""
    return queryset.select_related("unit").only("pk", "first_name", "last_name", "unit__name")


def unit_allowed(*, cohort: Cohort, user) -> bool:
    """Whether ``user``'s unit is one the cohort is open to (sub-units included)."""
    units = list(cohort.allowed_units.all())
    if not units:
        return True
    if user.unit_id is None:
        return False
    allowed: set[int] = set()
    for unit in units:
        allowed |= unit_descendant_ids(unit=unit)
    return user.unit_id in allowed


def _cohort_standing(*, cohort: Cohort, user) -> CohortAccess | None:
    """The viewer's standing in ``cohort``, or None if they may not see it.

    Members (any status but withdrawn) see published cohorts; the cohort's trainers and
    site admins see it whatever its state; anyone else whose unit is allowed sees an open,
    published cohort as a visitor (schedule and trainers, not members or video links).
    """
    trainers = list(
        _people_names_only(cohort.trainers.all()).order_by("last_name", "first_name", "pk")
    )
    is_trainer = any(trainer.pk == user.pk for trainer in trainers)
    is_admin = user_is_site_admin(user)
    enrollment = Enrollment.objects.filter(cohort=cohort, user=user).first()
    is_member = (
        enrollment is not None
        and enrollment.status != Enrollment.Status.WITHDRAWN
        and cohort.is_published
    )
    is_visitor = False
    if not (is_trainer or is_admin or is_member):
        if not (
            cohort.is_published
            and cohort.enrollment_mode == Cohort.EnrollmentMode.OPEN
            and unit_allowed(cohort=cohort, user=user)
        ):
            return None
        is_visitor = True
    return CohortAccess(
        cohort=cohort,
        trainers=trainers,
        enrollment=enrollment,
        is_trainer=is_trainer,
        is_admin=is_admin,
        is_visitor=is_visitor,
    )


def _cohort_access(request, pk: int) -> CohortAccess:
    """The cohort and the viewer's standing in it, or 404 if they may not see it."""
    cohort = get_object_or_404(Cohort.objects.select_related("course"), pk=pk)
    access = _cohort_standing(cohort=cohort, user=request.user)
    if access is None:
        raise Http404(_("No cohort found."))
    return access


def _sessions_with_lessons(queryset):
    return queryset.select_related("cohort__course").prefetch_related(
        Prefetch("lessons", queryset=LessonPage.objects.order_by("path"))
    )


def _calendar_response(body: bytes, *, filename: str | None = None) -> HttpResponse:
    response = HttpResponse(body, content_type=CALENDAR_CONTENT_TYPE)
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@dataclass(frozen=True)
class SessionRow:
    """A session on the cohort page, with its lessons and which of them the viewer did."""

    session: Session
    lessons: list
    done_ids: frozenset[int]
    is_past: bool
    is_next: bool


@login_required
@require_GET
def cohort_detail(request, pk: int):
    """The cohort's page: schedule, trainers, fellow members and what is due."""
    access = _cohort_access(request, pk)
    cohort = access.cohort
    now = timezone.now()
    sessions = list(_sessions_with_lessons(cohort.sessions.order_by("number")))
    lesson_ids = {lesson.pk for session in sessions for lesson in session.lessons.all()}
    done_ids = frozenset(
        LessonCompletion.objects.filter(user=request.user, lesson_id__in=lesson_ids).values_list(
            "lesson_id", flat=True
        )
        if lesson_ids
        else ()
    )
    next_session = next((session for session in sessions if session.ends_at > now), None)
    rows = [
        SessionRow(
            session=session,
            lessons=list(session.lessons.all()),
            done_ids=done_ids,
            is_past=session.ends_at <= now,
            is_next=session is next_session,
        )
        for session in sessions
    ]
    # What is due: lessons of the sessions so far and of the next one, not done yet.
    due = []
    if access.holds_a_place:
        for row in rows:
            due.extend(lesson for lesson in row.lessons if lesson.pk not in done_ids)
            if row.is_next:
                break
    members = (
        list(
            _people_names_only(
                get_user_model().objects.filter(
                    enrollments__cohort=cohort,
                    enrollments__status__in=Enrollment.HOLDS_A_PLACE,
                )
            ).order_by("last_name", "first_name", "pk")
        )
        if access.may_see_members
        else []
    )
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
            "members": members,
            "cohort_tz": cohort_tz,
            "viewer_tz": viewer_tz,
            "same_zone": cohort_tz.key == viewer_tz.key,
            "course_url": cohort.course.get_url(request) if cohort.course.live else "",
        },
    )
    patch_cache_control(response, private=True)
    return response


@login_required
@require_GET
def cohort_calendar_download(request, pk: int):
    """The cohort's schedule as an .ics file, for the same people who see its page."""
    access = _cohort_access(request, pk)
    sessions = _sessions_with_lessons(access.cohort.sessions.order_by("number"))
    body = cohort_calendar(access.cohort, sessions, show_video=access.may_see_video)
    response = _calendar_response(body, filename=cohort_calendar_filename(access.cohort))
    patch_cache_control(response, private=True, no_cache=True)
    return response


def _feed_sessions(user):
    """Every session of every published cohort the person holds a place in, and of every
    cohort they train, with the ids of those cohorts (all of which may see video links)."""
    taking = Cohort.objects.filter(
        is_published=True,
        enrollments__user=user,
        enrollments__status__in=Enrollment.HOLDS_A_PLACE,
    ).values("pk")
    training = Cohort.objects.filter(trainers=user).values("pk")
    return _sessions_with_lessons(
        Session.objects.filter(Q(cohort__in=taking) | Q(cohort__in=training)).order_by(
            "starts_at", "pk"
        )
    )


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
    sessions = list(_feed_sessions(feed.user))
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
@require_GET
def calendar_feed_page(request):
    """The person's private feed address, how to subscribe to it, and how to reset it."""
    feed, _created = CalendarFeed.objects.get_or_create(user=request.user)
    url = _feed_url(request, feed)
    response = render(
        request,
        "cohorts/calendar_feed.html",
        {"feed_url": url, "webcal_url": "webcal://" + url.split("://", 1)[1]},
    )
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


def _error_text(error: Exception) -> str:
    """What a service's PermissionDenied or ValidationError says, for a message."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or _("You cannot do this.")


def _placed_message(enrollment: Enrollment) -> str:
    if enrollment.status == Enrollment.Status.WAITLISTED:
        return _(WAITLIST_MESSAGE)
    return _(ENROLLED_MESSAGE)


@login_required
@require_POST
def cohort_enrol(request, pk: int):
    """Enrol the person in an open cohort (or put them on its waitlist when it is full)."""
    cohort = get_object_or_404(Cohort.objects.select_related("course"), pk=pk)
    access = _cohort_standing(cohort=cohort, user=request.user)
    open_to_some = cohort.is_published and cohort.enrollment_mode == Cohort.EnrollmentMode.OPEN
    if access is None and not open_to_some:
        raise Http404(_("No cohort found."))
    try:
        enrollment = enrollment_request(cohort=cohort, user=request.user)
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, _error_text(error))
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
        messages.error(request, _error_text(error))
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
            messages.error(request, _error_text(error))
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
