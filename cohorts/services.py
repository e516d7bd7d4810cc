"""Writes about cohorts: schedule, enrollment and its waitlist, cancellation, attendance,
reminders.

Each service checks permission and validity first, then changes rows in one transaction,
then sends messages once the transaction has committed (``delay_on_commit``), each at most
once thanks to its send-once key. Every change of places (enrol, withdraw, capacity,
promote) locks the cohort row first and counts places inside the lock, so concurrent
requests queue up and never fill more places than there are.
"""

from __future__ import annotations

import csv
import io
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max, Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.pagecache import content_changed
from core.personcache import person_changed
from core.tasks import notify_after_commit
from people.roles import user_is_site_admin, user_is_trainer
from people.selectors import unit_descendant_ids

from .models import Attendance, CalendarFeed, Cohort, CourseInterest, Enrollment, Session
from .selectors import (
    cohort_places_taken,
    cohort_waitlist,
    course_cohorts_for,
    open_for_enrolment,
    sessions_due_for_reminder,
    unit_allowed,
    user_runs_cohort,
)

Status = Enrollment.Status
EMAIL = "cohorts/email/"
TIME_FORMAT = "%A %d %B %Y, %H:%M"
# What the reminder scan looks for, and how wide each window is (the scan runs every 10 min).
REMINDERS = {
    "24h": (timedelta(hours=24), timedelta(minutes=10)),
    "1h": (timedelta(hours=1), timedelta(hours=1)),
}
# What a view shows when ``enrollment_request`` returns a waitlisted enrollment: a success.
WAITLIST_MESSAGE = gettext_lazy("This cohort is full: you are on the waitlist.")
ENROLLED_MESSAGE = gettext_lazy("You are enrolled.")
SESSION_FIELDS = ("title", "starts_at", "ends_at", "place", "video_url", "lessons")
MOVING_FIELDS = ("starts_at", "ends_at", "place", "video_url")
PAST_SESSION_MESSAGE = gettext_lazy(
    "This time has passed: a published cohort's sessions are planned in the future."
)


# --- Helpers ----------------------------------------------------------------------------


def _require_runner(*, user, cohort: Cohort) -> None:
    if not user_runs_cohort(user=user, cohort=cohort):
        raise PermissionDenied(_("Only the trainers of this cohort or a site admin may do this."))


def _require_open_for_changes(cohort: Cohort) -> None:
    """Refuse changes to a cancelled or finished cohort."""
    status = cohort.status_at(timezone.now())
    if status == Cohort.Status.CANCELLED:
        raise ValidationError(_("This cohort is cancelled."), code="cancelled")
    if status == Cohort.Status.FINISHED:
        raise ValidationError(_("This cohort has finished."), code="finished")


def _lock(cohort: Cohort) -> Cohort:
    """The cohort row, locked until the transaction ends (a no-op on SQLite, which
    serialises writers anyway). Refreshes ``cohort`` so callers see the current values."""
    locked = Cohort.objects.select_for_update().get(pk=cohort.pk)
    cohort.capacity = locked.capacity
    cohort.cancelled_at = locked.cancelled_at
    cohort.is_published = locked.is_published
    return locked


def local_time(moment: datetime, time_zone: str) -> str:
    """``moment`` as a person in ``time_zone`` reads it, with the zone's name."""
    return f"{moment.astimezone(zoneinfo.ZoneInfo(time_zone)):{TIME_FORMAT}} ({time_zone})"


def _cohort_context(cohort: Cohort) -> dict[str, Any]:
    return {"cohort_name": cohort.name, "course_title": cohort.course.title}


def _place_or_waitlist(enrollment: Enrollment, *, locked: Cohort, now: datetime) -> None:
    """Give ``enrollment`` a place if one is free, else put it at the end of the waitlist.
    The caller holds the cohort lock."""
    if cohort_places_taken(cohort=locked) < locked.capacity:
        enrollment.status = Status.ENROLLED
        enrollment.enrolled_at = now
        enrollment.waitlisted_at = None
    else:
        enrollment.status = Status.WAITLISTED
        enrollment.waitlisted_at = now
    enrollment.withdrawn_at = None


def _promote(enrollment: Enrollment, *, now: datetime) -> None:
    enrollment.status = Status.ENROLLED
    enrollment.enrolled_at = now
    enrollment.waitlisted_at = None
    enrollment.save(update_fields=["status", "enrolled_at", "waitlisted_at", "updated_at"])
    notify_after_commit(
        user_id=enrollment.user_id,
        key=f"cohort-promoted:{enrollment.cohort_id}:{enrollment.user_id}:{now.isoformat()}",
        template=EMAIL + "promoted",
        context=_cohort_context(enrollment.cohort),
    )


def _promote_waiting(*, locked: Cohort) -> list[Enrollment]:
    """Fill free places from the waitlist, first come first served. Caller holds the lock."""
    free = locked.capacity - cohort_places_taken(cohort=locked)
    if free <= 0:
        return []
    now = timezone.now()
    promoted = list(cohort_waitlist(cohort=locked).select_related("cohort__course")[:free])
    for enrollment in promoted:
        _promote(enrollment, now=now)
    return promoted


# --- Sessions ---------------------------------------------------------------------------


def _session_validate(
    *, cohort: Cohort, data: dict[str, Any], exclude_pk: int | None = None
) -> None:
    errors: dict[str, list[str]] = {}
    if not (data.get("title") or "").strip():
        errors.setdefault("title", []).append(_("Give the session a title."))
    starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
    if starts_at is None:
        errors.setdefault("starts_at", []).append(_("Say when the session starts."))
    if ends_at is None:
        errors.setdefault("ends_at", []).append(_("Say when the session ends."))
    for name in ("starts_at", "ends_at"):
        value = data.get(name)
        if value is not None and timezone.is_naive(value):
            errors.setdefault(name, []).append(_("Give a time with its time zone."))
    if errors:
        raise ValidationError(errors)
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("A session must end after it starts.")})
    clash = (
        Session.objects.filter(cohort=cohort, starts_at__lt=ends_at, ends_at__gt=starts_at)
        .exclude(pk=exclude_pk)
        .order_by("starts_at")
        .first()
    )
    if clash is not None:
        raise ValidationError(
            {
                "starts_at": _("This overlaps session %(number)s “%(title)s” (%(time)s).")
                % {
                    "number": clash.number,
                    "title": clash.title,
                    "time": local_time(clash.starts_at, cohort.time_zone),
                }
            }
        )


def _require_movable(*, current: Session, starts_at: datetime) -> None:
    """A published cohort's past stays as it was: a session that has started keeps its
    time and place, and none moves into the past."""
    now = timezone.now()
    if current.starts_at <= now:
        raise ValidationError(
            {
                "starts_at": _(
                    "This session has already started: its time and place can no longer change."
                )
            }
        )
    if starts_at <= now:
        raise ValidationError({"starts_at": PAST_SESSION_MESSAGE})


def _schedule_refresh(*, locked: Cohort) -> None:
    """Renumber the sessions 1..n in time order and keep the cohort's first start and last
    end in step. Numbers go through a temporary range (20001..) so that the unique
    constraint on (cohort, number) holds after every row."""
    sessions = list(Session.objects.filter(cohort=locked).order_by("starts_at", "pk"))
    renumbered = [
        session for position, session in enumerate(sessions, 1) if session.number != position
    ]
    if renumbered:
        for position, session in enumerate(sessions, 1):
            session.number = 20000 + position
        Session.objects.bulk_update(sessions, ["number"])
        for position, session in enumerate(sessions, 1):
            session.number = position
        for session in renumbered:  # the event title shows the number: calendars must update
            session.sequence += 1
        Session.objects.bulk_update(sessions, ["number", "sequence"])
    span = Session.objects.filter(cohort=locked).aggregate(
        first=Min("starts_at"), last=Max("ends_at")
    )
    Cohort.objects.filter(pk=locked.pk).update(
        starts_at=span["first"], ends_at=span["last"], updated_at=timezone.now()
    )
    content_changed()  # bulk writes send no signal: schedules kept per stamp end here
    locked.starts_at, locked.ends_at = span["first"], span["last"]


def session_create(
    *,
    cohort: Cohort,
    by,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    place: str = "",
    video_url: str = "",
    lessons: Iterable = (),
) -> Session:
    """Add a session to a cohort that is not cancelled or finished; renumbers the rest."""
    _require_runner(user=by, cohort=cohort)
    _require_open_for_changes(cohort)
    data = {"title": title, "starts_at": starts_at, "ends_at": ends_at}
    with transaction.atomic():
        locked = _lock(cohort)
        _require_open_for_changes(locked)
        _session_validate(cohort=locked, data=data)
        if locked.is_published and starts_at <= timezone.now():
            raise ValidationError({"starts_at": PAST_SESSION_MESSAGE})
        session = Session.objects.create(
            cohort=locked,
            number=(Session.objects.filter(cohort=locked).aggregate(top=Max("number"))["top"] or 0)
            + 1,
            title=title.strip(),
            starts_at=starts_at,
            ends_at=ends_at,
            place=place,
            video_url=video_url,
        )
        if lessons:
            session.lessons.set(lessons)
        _schedule_refresh(locked=locked)
        cohort.starts_at, cohort.ends_at = locked.starts_at, locked.ends_at
    session.refresh_from_db()
    return session


def session_update(*, session: Session, by, data: dict[str, Any]) -> Session:
    """Change a session (any of title, starts_at, ends_at, place, video_url, lessons).

    When the time or place of a session of a published cohort changes, its ``sequence``
    goes up (calendars update) and each enrolled person is told once per change.
    """
    cohort = session.cohort
    _require_runner(user=by, cohort=cohort)
    unknown = set(data) - set(SESSION_FIELDS)
    if unknown:
        raise ValueError(f"Unknown session fields: {', '.join(sorted(unknown))}")
    _require_open_for_changes(cohort)
    with transaction.atomic():
        locked = _lock(cohort)
        _require_open_for_changes(locked)
        current = Session.objects.select_for_update().get(pk=session.pk)
        merged = {name: getattr(current, name) for name in (*MOVING_FIELDS, "title")}
        merged.update({name: value for name, value in data.items() if name != "lessons"})
        _session_validate(cohort=locked, data=merged, exclude_pk=current.pk)
        moved = any(merged[name] != getattr(current, name) for name in MOVING_FIELDS)
        if moved and locked.is_published:
            _require_movable(current=current, starts_at=merged["starts_at"])
        for name in (*MOVING_FIELDS, "title"):
            setattr(current, name, merged[name])
        current.title = current.title.strip()
        if moved and locked.is_published:
            current.sequence += 1
        current.save()
        if "lessons" in data:
            current.lessons.set(data["lessons"])
        _schedule_refresh(locked=locked)
        current.refresh_from_db()
        if moved and locked.is_published:
            _session_changed_notify(session=current, cohort=locked)
    cohort.starts_at, cohort.ends_at = locked.starts_at, locked.ends_at
    return current


def _session_changed_notify(*, session: Session, cohort: Cohort) -> None:
    enrollments = Enrollment.objects.filter(cohort=cohort, status=Status.ENROLLED).select_related(
        "user"
    )
    for enrollment in enrollments:
        user = enrollment.user
        notify_after_commit(
            user_id=user.pk,
            key=f"session-changed:{session.pk}:{session.sequence}:{user.pk}",
            template=EMAIL + "session_changed",
            context={
                "cohort_name": cohort.name,
                "session_number": session.number,
                "session_title": session.title,
                "starts": local_time(session.starts_at, user.time_zone),
                "ends": local_time(session.ends_at, user.time_zone),
                "starts_cohort_zone": local_time(session.starts_at, cohort.time_zone),
                "place": session.place,
                "video_url": session.video_url,
            },
        )


def session_delete(*, session: Session, by) -> None:
    """Remove a session from a cohort that is not cancelled or finished; renumbers the rest."""
    cohort = session.cohort
    _require_runner(user=by, cohort=cohort)
    _require_open_for_changes(cohort)
    if cohort.is_published and session.starts_at <= timezone.now():
        raise ValidationError(
            _("This session has already started: it stays on the record."), code="past"
        )
    with transaction.atomic():
        locked = _lock(cohort)
        Session.objects.filter(pk=session.pk).delete()
        _schedule_refresh(locked=locked)
    cohort.starts_at, cohort.ends_at = locked.starts_at, locked.ends_at


# --- Enrollment -------------------------------------------------------------------------


def enrollment_request(*, cohort: Cohort, user) -> Enrollment:
    """A person enrols themselves in an open cohort; a full cohort puts them on the waitlist.

    Returns the enrollment: ``status == WAITLISTED`` is a success too, which the view shows
    as ``WAITLIST_MESSAGE`` ("This cohort is full: you are on the waitlist."). Someone who
    withdrew enrols again in the same row; someone invited is enrolled.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise PermissionDenied(_("Sign in to enrol."))
    if not cohort.is_published:
        raise ValidationError(_("This cohort is not open for enrolment yet."), code="draft")
    _require_open_for_changes(cohort)
    if cohort.enrollment_mode != Cohort.EnrollmentMode.OPEN:
        raise PermissionDenied(_("This cohort is by invitation only."))
    if not unit_allowed(cohort=cohort, user=user):
        names = ", ".join(unit.name for unit in cohort.allowed_units.all())
        raise PermissionDenied(
            _("This cohort is open to people in %(units)s only.") % {"units": names}
        )
    with transaction.atomic():
        locked = _lock(cohort)
        _require_open_for_changes(locked)
        enrollment = Enrollment.objects.filter(cohort=locked, user=user).first()
        if enrollment is not None and enrollment.status in Enrollment.HOLDS_A_PLACE:
            raise ValidationError(_("You are already enrolled in this cohort."), code="enrolled")
        if enrollment is not None and enrollment.status == Status.WAITLISTED:
            raise ValidationError(_("You are already on the waitlist."), code="waitlisted")
        if enrollment is None:
            enrollment = Enrollment(cohort=locked, user=user)
        _place_or_waitlist(enrollment, locked=locked, now=timezone.now())
        enrollment.save()
    return enrollment


@dataclass
class InviteReport:
    """What an invitation did, person by person."""

    invited: list = field(default_factory=list)
    enrolled: list = field(default_factory=list)
    waitlisted: list = field(default_factory=list)
    skipped: list = field(default_factory=list)  # already in the cohort


def enrollment_invite(*, cohort: Cohort, users: Iterable, by) -> InviteReport:
    """Invite one or many people (``users_in_unit`` gives a whole unit).

    In ASSIGNED mode the invitation enrols them at once (or waitlists them when full).
    Each person gets one invitation e-mail (key ``cohort-invite:<cohort>:<user>``). People
    already invited, enrolled or waiting are skipped; people who withdrew are invited again.
    """
    _require_runner(user=by, cohort=cohort)
    if not cohort.is_published:
        raise ValidationError(_("Publish the cohort before inviting people."), code="draft")
    _require_open_for_changes(cohort)
    users = list(users)
    report = InviteReport()
    with transaction.atomic():
        locked = _lock(cohort)
        _require_open_for_changes(locked)
        assigned = locked.enrollment_mode == Cohort.EnrollmentMode.ASSIGNED
        existing = {
            enrollment.user_id: enrollment
            for enrollment in Enrollment.objects.filter(
                cohort=locked, user__in=[user.pk for user in users]
            )
        }
        now = timezone.now()
        for user in users:
            enrollment = existing.get(user.pk)
            if enrollment is not None and enrollment.status != Status.WITHDRAWN:
                report.skipped.append(user)
                continue
            if enrollment is None:
                enrollment = Enrollment(cohort=locked, user=user)
                existing[user.pk] = enrollment
            enrollment.invited_by = by
            if assigned:
                _place_or_waitlist(enrollment, locked=locked, now=now)
            else:
                enrollment.status = Status.INVITED
                enrollment.waitlisted_at = None
                enrollment.withdrawn_at = None
            enrollment.save()
            {
                Status.INVITED: report.invited,
                Status.ENROLLED: report.enrolled,
                Status.WAITLISTED: report.waitlisted,
            }[enrollment.status].append(user)
            notify_after_commit(
                user_id=user.pk,
                key=f"cohort-invite:{locked.pk}:{user.pk}",
                template=EMAIL + "invitation",
                context={
                    **_cohort_context(cohort),
                    "invited_by": by.get_full_name() or by.email,
                    "status": enrollment.status,
                    "starts": local_time(locked.starts_at, user.time_zone)
                    if locked.starts_at
                    else "",
                },
            )
    return report


@dataclass
class CsvInviteReport:
    """The outcome of a CSV upload: its errors (nothing was done) or what was done."""

    errors: list[str] = field(default_factory=list)
    done: InviteReport | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def enrollment_invite_csv(*, cohort: Cohort, file, by) -> CsvInviteReport:
    """Invite everyone in a CSV of e-mail addresses (first column; a header is allowed).

    All or nothing: an unknown or repeated address, an empty file or one that is not
    UTF-8 text is reported (with line numbers) and nobody is invited.
    """
    _require_runner(user=by, cohort=cohort)
    _require_open_for_changes(cohort)
    raw = file.read()
    if isinstance(raw, str):
        text = raw
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            return CsvInviteReport(errors=[_("The file is not UTF-8 text: save it as CSV UTF-8.")])
    wanted: dict[str, int] = {}
    errors: list[tuple[int, str]] = []  # (line, message), reported in line order
    for line, row in enumerate(csv.reader(io.StringIO(text)), 1):
        address = (row[0] if row else "").strip().lower()
        if not address or (line == 1 and address in {"email", "e-mail", "email address"}):
            continue
        if address in wanted:
            errors.append(
                (
                    line,
                    _("Line %(line)s: %(address)s is already on line %(first)s.")
                    % {"line": line, "address": address, "first": wanted[address]},
                )
            )
            continue
        wanted[address] = line
    if not wanted and not errors:
        return CsvInviteReport(errors=[_("The file has no e-mail addresses.")])
    found = {
        user.email.lower(): user
        for user in get_user_model().objects.filter(email__in=list(wanted), is_active=True)
    }
    for address, line in wanted.items():
        if address not in found:
            errors.append(
                (
                    line,
                    _("Line %(line)s: nobody has the address %(address)s.")
                    % {"line": line, "address": address},
                )
            )
    if errors:
        errors.sort(key=lambda error: error[0])
        return CsvInviteReport(errors=[message for _line, message in errors])
    return CsvInviteReport(
        done=enrollment_invite(cohort=cohort, users=[found[a] for a in wanted], by=by)
    )


def enrollment_accept_invitation(*, enrollment: Enrollment, by) -> Enrollment:
    """The invited person accepts: a place if one is free, else the waitlist."""
    if by is None or by.pk != enrollment.user_id:
        raise PermissionDenied(_("Only the person invited can accept the invitation."))
    cohort = enrollment.cohort
    _require_open_for_changes(cohort)
    with transaction.atomic():
        locked = _lock(cohort)
        _require_open_for_changes(locked)
        current = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
        if current.status != Status.INVITED:
            raise ValidationError(_("There is no open invitation to accept."), code="not_invited")
        _place_or_waitlist(current, locked=locked, now=timezone.now())
        current.save()
    return current


def enrollment_withdraw(*, enrollment: Enrollment, by) -> Enrollment:
    """The person (or a trainer of the cohort) withdraws; a freed place goes to the first
    person waiting, exactly once even when withdrawals run at the same time."""
    cohort = enrollment.cohort
    if by is None or (by.pk != enrollment.user_id and not user_runs_cohort(user=by, cohort=cohort)):
        raise PermissionDenied(_("You cannot withdraw someone else from this cohort."))
    with transaction.atomic():
        locked = _lock(cohort)
        current = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
        if current.status in (Status.WITHDRAWN, Status.COMPLETED):
            raise ValidationError(
                _("This enrollment is %(status)s; there is nothing to withdraw from.")
                % {"status": current.get_status_display().lower()},
                code="not_active",
            )
        held_a_place = current.status in Enrollment.HOLDS_A_PLACE
        current.status = Status.WITHDRAWN
        current.withdrawn_at = timezone.now()
        current.waitlisted_at = None
        current.save(update_fields=["status", "withdrawn_at", "waitlisted_at", "updated_at"])
        if held_a_place and locked.cancelled_at is None:
            _promote_waiting(locked=locked)
    return current


def enrollments_withdraw_for_leaver(*, user_id: int) -> int:
    """Withdraw a deactivated person from every cohort that is not over yet (invited,
    enrolled or waiting); each place they held goes to the first person waiting, as when
    they withdraw themselves. Completed places and finished or cancelled cohorts keep their
    history. Nobody is told about the withdrawal (the person has left); people promoted
    from the waitlist are. Returns how many enrollments were withdrawn."""
    now = timezone.now()
    open_statuses = (Status.INVITED, Status.ENROLLED, Status.WAITLISTED)
    withdrawn = 0
    candidates = Enrollment.objects.filter(user_id=user_id, status__in=open_statuses)
    for enrollment in candidates.select_related("cohort").order_by("pk"):
        if enrollment.cohort.status_at(now) in (Cohort.Status.FINISHED, Cohort.Status.CANCELLED):
            continue
        with transaction.atomic():
            locked = _lock(enrollment.cohort)
            current = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
            if current.status not in open_statuses:
                continue
            held_a_place = current.status in Enrollment.HOLDS_A_PLACE
            current.status = Status.WITHDRAWN
            current.withdrawn_at = now
            current.waitlisted_at = None
            current.save(update_fields=["status", "withdrawn_at", "waitlisted_at", "updated_at"])
            if held_a_place:
                _promote_waiting(locked=locked)
            withdrawn += 1
    return withdrawn


def enrollment_promote(*, enrollment: Enrollment, by) -> Enrollment:
    """A trainer moves someone off the waitlist, out of turn, into a free place."""
    cohort = enrollment.cohort
    _require_runner(user=by, cohort=cohort)
    _require_open_for_changes(cohort)
    with transaction.atomic():
        locked = _lock(cohort)
        current = (
            Enrollment.objects.select_for_update()
            .select_related("user", "cohort__course")
            .get(pk=enrollment.pk)
        )
        if current.status != Status.WAITLISTED:
            raise ValidationError(_("This person is not on the waitlist."), code="not_waitlisted")
        taken = cohort_places_taken(cohort=locked)
        if taken >= locked.capacity:
            raise ValidationError(
                ngettext(
                    "No place is free: %(taken)s of %(capacity)s place is taken. "
                    "Raise the capacity first.",
                    "No place is free: %(taken)s of %(capacity)s places are taken. "
                    "Raise the capacity first.",
                    locked.capacity,
                )
                % {"taken": taken, "capacity": locked.capacity},
                code="full",
            )
        _promote(current, now=timezone.now())
    return current


def _capacity_below_places(taken: int) -> str:
    return ngettext(
        "%(taken)s person already holds a place: the capacity cannot be lower than %(taken)s.",
        "%(taken)s people already hold a place: the capacity cannot be lower than %(taken)s.",
        taken,
    ) % {"taken": taken}


def cohort_capacity_set(*, cohort: Cohort, capacity: int, by) -> Cohort:
    """Change the number of places; never below the people already holding one. Raising
    it gives the new places to the people waiting, in order."""
    _require_runner(user=by, cohort=cohort)
    if capacity < 1:
        raise ValidationError({"capacity": _("A cohort needs at least one place.")})
    with transaction.atomic():
        locked = _lock(cohort)
        taken = cohort_places_taken(cohort=locked)
        if capacity < taken:
            raise ValidationError({"capacity": _capacity_below_places(taken)})
        locked.capacity = capacity
        locked.save(update_fields=["capacity", "updated_at"])
        if locked.cancelled_at is None:
            _promote_waiting(locked=locked)
    cohort.capacity = capacity
    return cohort


def cohort_cancel(*, cohort: Cohort, by, reason: str) -> Cohort:
    """Cancel a cohort and tell everyone invited, enrolled or waiting, once each."""
    _require_runner(user=by, cohort=cohort)
    if cohort.cancelled_at is not None:
        raise ValidationError(_("This cohort is already cancelled."), code="cancelled")
    with transaction.atomic():
        locked = _lock(cohort)
        if locked.cancelled_at is not None:
            raise ValidationError(_("This cohort is already cancelled."), code="cancelled")
        locked.cancelled_at = timezone.now()
        locked.save(update_fields=["cancelled_at", "updated_at"])
        # Calendars take the cancellation only when each event's SEQUENCE goes up.
        Session.objects.filter(cohort=locked).update(sequence=F("sequence") + 1)
        content_changed()
        told = Enrollment.objects.filter(
            cohort=locked, status__in=[Status.INVITED, Status.ENROLLED, Status.WAITLISTED]
        ).select_related("user")
        context = {**_cohort_context(cohort), "reason": reason.strip()}
        for enrollment in told:
            notify_after_commit(
                user_id=enrollment.user_id,
                key=f"cohort-cancelled:{locked.pk}:{enrollment.user_id}",
                template=EMAIL + "cancelled",
                context=context,
            )
    cohort.cancelled_at = locked.cancelled_at
    return cohort


# --- Attendance -------------------------------------------------------------------------


def attendance_record(*, session: Session, enrollment: Enrollment, status: str, by) -> Attendance:
    """Record (or correct) whether an enrolled person came to a session."""
    _require_runner(user=by, cohort=session.cohort)
    if enrollment.cohort_id != session.cohort_id:
        raise ValidationError({"enrollment": _("This person is not in this session's cohort.")})
    if enrollment.status not in Enrollment.HOLDS_A_PLACE:
        raise ValidationError({"enrollment": _("Attendance is recorded for enrolled people only.")})
    if status not in Attendance.Status.values:
        raise ValidationError(
            {"status": _("“%(status)s” is not an attendance status.") % {"status": status}}
        )
    with transaction.atomic():
        attendance, _created = Attendance.objects.update_or_create(
            session=session,
            enrollment=enrollment,
            defaults={"status": status, "recorded_by": by},
        )
    return attendance


def attendance_record_many(*, session: Session, marks: Iterable[tuple[Enrollment, str]], by) -> int:
    """Record a whole attendance sheet at once (``attendance_record`` for each mark), or
    nothing when one is refused. Returns how many people were marked."""
    count = 0
    with transaction.atomic():
        for enrollment, status in marks:
            attendance_record(session=session, enrollment=enrollment, status=status, by=by)
            count += 1
    return count


# --- Completion -------------------------------------------------------------------------


def cohorts_complete(*, now: datetime | None = None) -> int:
    """Mark *completed* everyone still enrolled in a published cohort that has finished
    (its last session has ended) and was not cancelled. Safe to run any number of times;
    returns how many enrollments it completed. People waiting or invited stay as they were.
    """
    now = now or timezone.now()
    ended = Enrollment.objects.filter(
        status=Status.ENROLLED,
        cohort__is_published=True,
        cohort__cancelled_at__isnull=True,
        cohort__ends_at__lte=now,
    )
    people = list(ended.values_list("user_id", flat=True))
    count = ended.update(status=Status.COMPLETED, updated_at=now)
    person_changed(*people)
    return count


# --- Reminders --------------------------------------------------------------------------


def session_reminders_send(*, now: datetime | None = None) -> int:
    """Queue the day-before and hour-before reminders due at ``now`` for the enrolled
    people of published, not cancelled cohorts; each person gets each reminder once
    (key ``session-reminder:<session>:<sequence>:<user>:24h|1h``), however often the scan
    runs. Returns how many messages were queued (some may be found sent already)."""
    now = now or timezone.now()
    queued = 0
    for label, (before, window) in REMINDERS.items():
        sessions = list(sessions_due_for_reminder(now=now, before=before, window=window))
        enrollments = Enrollment.objects.filter(
            cohort__in={session.cohort_id for session in sessions}, status=Status.ENROLLED
        ).select_related("user")
        people: dict[int, list] = {}
        for enrollment in enrollments:
            people.setdefault(enrollment.cohort_id, []).append(enrollment.user)
        for session in sessions:
            cohort = session.cohort
            for user in people.get(session.cohort_id, []):
                notify_after_commit(
                    user_id=user.pk,
                    key=f"session-reminder:{session.pk}:{session.sequence}:{user.pk}:{label}",
                    template=EMAIL + "session_reminder",
                    on_commit=False,  # nothing written here to wait for
                    context={
                        "cohort_name": cohort.name,
                        "when": "tomorrow" if label == "24h" else "in less than an hour",
                        "session_number": session.number,
                        "session_title": session.title,
                        "starts": local_time(session.starts_at, user.time_zone),
                        "starts_cohort_zone": local_time(session.starts_at, cohort.time_zone),
                        "place": session.place,
                        "video_url": session.video_url,
                    },
                )
                queued += 1
    return queued


# --- Calendar feeds ---------------------------------------------------------------------


def calendar_feed_open(*, user) -> CalendarFeed:
    """The person's secret feed address, made on first asking (asking again keeps it)."""
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


def calendar_feed_reset(*, user) -> CalendarFeed:
    """Give ``user`` a new secret feed address; the old one stops working at once."""
    new_token = CalendarFeed._meta.get_field("token").get_default()
    feed, _created = CalendarFeed.objects.update_or_create(user=user, defaults={"token": new_token})
    return feed


# --- Cohorts: create and change, with their schedule ----------------------------------


COHORT_FIELDS = ("name", "course", "time_zone", "capacity", "enrollment_mode", "is_published")


@dataclass
class SessionChange:
    """One row of a schedule form: a new session (``session`` is None), a change to one,
    or its removal. ``data`` holds the fields of ``SESSION_FIELDS`` that were typed."""

    session: Session | None
    data: dict[str, Any] = field(default_factory=dict)
    delete: bool = False


class ScheduleRowError(ValidationError):
    """A session service refused row ``row`` of the schedule; carries its field errors."""

    def __init__(self, row: int, error: ValidationError):
        super().__init__(error)
        self.row = row


def _lessons_outside(course, lessons: Iterable) -> list:
    """The lessons that are not lessons of ``course`` (whose page path they must extend)."""
    return [
        lesson
        for lesson in lessons
        if not (lesson.path.startswith(course.path) and lesson.depth == course.depth + 1)
    ]


def _cohort_validate(
    *, cohort: Cohort | None, by, data: dict[str, Any], trainers: list, changes: list
) -> None:
    errors: dict[str, list[str]] = {}
    if not trainers:
        errors.setdefault("trainers", []).append(_("A cohort needs at least one trainer."))
    elif not user_is_site_admin(by) and by.pk not in {trainer.pk for trainer in trainers}:
        errors.setdefault("trainers", []).append(
            _("Keep yourself among the trainers: otherwise you could no longer open this cohort.")
        )
    if (data.get("capacity") or 0) < 1:
        errors.setdefault("capacity", []).append(_("A cohort needs at least one place."))
    if cohort is not None and cohort.pk:
        people = Enrollment.objects.filter(cohort=cohort).exclude(status=Status.WITHDRAWN)
        if data["course"].pk != cohort.course_id and (
            people.exists() or Session.objects.filter(cohort=cohort, lessons__isnull=False).exists()
        ):
            errors.setdefault("course", []).append(
                _("People or lessons are already in this cohort: its course cannot change.")
            )
        if cohort.is_published and not data["is_published"] and people.exists():
            errors.setdefault("is_published", []).append(
                _("People are already in this cohort: cancel it instead of unpublishing it.")
            )
        taken = cohort_places_taken(cohort=cohort)
        if data.get("capacity") and data["capacity"] < taken:
            errors.setdefault("capacity", []).append(_capacity_below_places(taken))
    if errors:
        raise ValidationError(errors)
    for row, change in enumerate(changes):
        outside = _lessons_outside(data["course"], change.data.get("lessons") or [])
        if outside and not change.delete:
            raise ScheduleRowError(
                row,
                ValidationError(
                    {
                        "lessons": _("%(lessons)s is not a lesson of %(course)s.")
                        % {
                            "lessons": ", ".join(lesson.title for lesson in outside),
                            "course": data["course"].title,
                        }
                    }
                ),
            )


def cohort_save(
    *,
    cohort: Cohort | None,
    by,
    data: dict[str, Any],
    trainers: Iterable,
    allowed_units: Iterable,
    changes: Iterable[SessionChange] = (),
) -> Cohort:
    """Create a cohort (``cohort=None``) or change one, together with its schedule: all of
    it or nothing.

    ``data`` holds ``COHORT_FIELDS``. Only trainers and site admins create cohorts, only a
    cohort's trainers (or an admin) change it, and a trainer stays among its trainers. A
    cancelled cohort no longer changes; the capacity never goes below the places taken (a
    higher one fills from the waitlist); a cohort with people in it is not unpublished and
    keeps its course. Sessions go through ``session_create``/``session_update``/
    ``session_delete`` (removals first, then changes, then new ones), so their rules and
    notices apply; a row they refuse raises ``ScheduleRowError`` with the row's index.
    """
    trainers, allowed_units, changes = list(trainers), list(allowed_units), list(changes)
    if cohort is None:
        if not user_is_trainer(by):
            raise PermissionDenied(_("Only trainers and site admins create cohorts."))
    else:
        _require_runner(user=by, cohort=cohort)
        if cohort.cancelled_at is not None:
            raise ValidationError(
                _("This cohort is cancelled: it can no longer change."), code="cancelled"
            )
    unknown = set(data) - set(COHORT_FIELDS)
    if unknown:
        raise ValueError(f"Unknown cohort fields: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        locked = _lock(cohort) if cohort is not None else None
        if locked is not None and locked.cancelled_at is not None:
            raise ValidationError(
                _("This cohort is cancelled: it can no longer change."), code="cancelled"
            )
        _cohort_validate(cohort=locked, by=by, data=data, trainers=trainers, changes=changes)
        was_open = locked is not None and _is_open_for_enrolment(locked)
        target = locked or Cohort()
        for name, value in data.items():
            setattr(target, name, value.strip() if isinstance(value, str) else value)
        target.save()
        target.trainers.set(trainers)
        target.allowed_units.set(allowed_units)
        ordered = sorted(
            enumerate(changes),
            key=lambda item: 0 if item[1].delete else (1 if item[1].session else 2),
        )
        for row, change in ordered:
            try:
                if change.delete:
                    if change.session is not None:
                        session_delete(session=change.session, by=by)
                elif change.session is not None:
                    session_update(session=change.session, by=by, data=change.data)
                else:
                    session_create(cohort=target, by=by, **change.data)
            except ValidationError as error:
                if isinstance(error, ScheduleRowError):
                    raise
                raise ScheduleRowError(row, error) from error
        if locked is not None and target.cancelled_at is None:
            _promote_waiting(locked=target)
        target.refresh_from_db()
        if not was_open and _is_open_for_enrolment(target):
            course_interest_notify(cohort=target)
    return target


def _is_open_for_enrolment(cohort: Cohort) -> bool:
    return Cohort.objects.filter(open_for_enrolment(now=timezone.now()), pk=cohort.pk).exists()


# --- Interest in the next run of a course -------------------------------------------------


def course_interest_register(*, course, user) -> tuple[CourseInterest, bool]:
    """``user`` asks to hear when a cohort of ``course`` opens to them. Only for a live
    course taught in cohorts, and only while no cohort of it is open to them and they are
    in none that is still to come or running (else: enrol there). Asking twice keeps the
    first request. Returns the interest and whether it is new."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise PermissionDenied(_("Sign in to register your interest."))
    if not course.live:
        raise ValidationError(_("This course is not published."), code="not_live")
    standing = course_cohorts_for(user=user, course=course, now=timezone.now())
    if not standing.runs_in_cohorts:
        raise ValidationError(
            _("This course is not taught in cohorts: its lessons are open to you."),
            code="self_paced",
        )
    if standing.mine:
        raise ValidationError(_("You are already in a cohort of this course."), code="in_a_cohort")
    if standing.open_to_me:
        raise ValidationError(
            _("A cohort of this course is open to you now: enrol there."), code="open_cohort"
        )
    with transaction.atomic():
        return CourseInterest.objects.get_or_create(user=user, course=course)


def course_interest_withdraw(*, course, user) -> bool:
    """``user`` no longer wants to hear about the next run of ``course``. Returns whether
    there was an interest to withdraw; their own only."""
    with transaction.atomic():
        deleted, _rows = CourseInterest.objects.filter(user=user, course=course).delete()
    return bool(deleted)


def course_interest_notify(*, cohort: Cohort) -> int:
    """Tell everyone interested in ``cohort``'s course, whose unit it is open to and who
    is not in it, that it takes people now: one plain e-mail each, keyed by cohort and
    person, sent after the commit. Returns how many were queued."""
    allowed = list(cohort.allowed_units.all())
    allowed_ids: set[int] | None = None
    if allowed:
        allowed_ids = set()
        for unit in allowed:
            allowed_ids |= unit_descendant_ids(unit=unit)
    interests = (
        CourseInterest.objects.filter(course_id=cohort.course_id, user__is_active=True)
        .exclude(user__enrollments__cohort=cohort)
        .select_related("user")
        .order_by("pk")
    )
    course = cohort.course
    path = reverse("cohorts:detail", args=[cohort.pk])
    queued = 0
    for interest in interests:
        user = interest.user
        if allowed_ids is not None and user.unit_id not in allowed_ids:
            continue
        notify_after_commit(
            user_id=user.pk,
            key=f"course-interest:{cohort.pk}:{user.pk}",
            template=EMAIL + "interest_cohort_open",
            context={
                **_cohort_context(cohort),
                "course_title": course.title,
                "path": path,
                "starts": local_time(cohort.starts_at, user.time_zone) if cohort.starts_at else "",
            },
        )
        queued += 1
    return queued
