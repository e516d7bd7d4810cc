"""Cohorts: scheduled runs of a course, with sessions, enrollment and attendance.

Courses are editorial content (Wagtail pages); a cohort is a transactional record that
points at one. Writes go through ``cohorts.services``; nothing here sends messages.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from people.models import time_zone_choices, validate_time_zone


class Cohort(TimeStampedModel):
    """One run of a course for a group of people, with its own schedule and trainers."""

    class EnrollmentMode(models.TextChoices):
        OPEN = "open", _("Open: people enrol themselves")
        INVITATION = "invitation", _("By invitation")
        ASSIGNED = "assigned", _("Assigned by a trainer")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        RUNNING = "running", _("Running")
        FINISHED = "finished", _("Finished")
        CANCELLED = "cancelled", _("Cancelled")

    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.PROTECT,
        related_name="cohorts",
        verbose_name=_("course"),
    )
    name = models.CharField(_("name"), max_length=120)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Europe/Amsterdam",
        choices=time_zone_choices,
        validators=[validate_time_zone],
        help_text=_("Where the sessions take place; learners also see times in their own zone."),
    )
    capacity = models.PositiveIntegerField(
        _("places"), default=12, help_text=_("People beyond this number go on the waitlist.")
    )
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="cohorts_trained", verbose_name=_("trainers")
    )
    enrollment_mode = models.CharField(
        _("enrollment"),
        max_length=20,
        choices=EnrollmentMode.choices,
        default=EnrollmentMode.INVITATION,
    )
    allowed_units = models.ManyToManyField(
        "people.BusinessUnit",
        blank=True,
        related_name="cohorts",
        verbose_name=_("open to units"),
        help_text=_("Leave empty to open it to every unit. Sub-units are included."),
    )
    is_published = models.BooleanField(
        _("published"),
        default=False,
        help_text=_("A cohort stays a draft, visible to its trainers only, until published."),
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    # Derived from the sessions by cohorts.services and kept here so lists can filter on it.
    starts_at = models.DateTimeField(_("first session"), null=True, blank=True, db_index=True)
    ends_at = models.DateTimeField(_("last session ends"), null=True, blank=True)

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["starts_at", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="cohorts_capacity_positive"),
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="cohorts_cohort_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def status_at(self, moment) -> str:
        """The cohort's state at ``moment``, derived from publication, cancellation and the
        times of its first and last sessions."""
        if self.cancelled_at is not None:
            return self.Status.CANCELLED
        if not self.is_published:
            return self.Status.DRAFT
        if self.starts_at is None or moment < self.starts_at:
            return self.Status.SCHEDULED
        if self.ends_at is not None and moment >= self.ends_at:
            return self.Status.FINISHED
        return self.Status.RUNNING

    @property
    def status(self) -> str:
        return self.status_at(timezone.now())

    def get_status_display(self) -> str:
        return self.Status(self.status).label


class Session(TimeStampedModel):
    """One meeting of a cohort, in a room or on a video call."""

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("cohort")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=160)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_url = models.URLField(_("video call link"), blank=True)
    lessons = models.ManyToManyField(
        "courses.LessonPage",
        blank=True,
        related_name="sessions",
        verbose_name=_("lessons covered"),
        help_text=_("Released to the cohort when this session starts."),
    )
    # RFC 5545 SEQUENCE: raised each time the time or place changes, so calendars update.
    sequence = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["cohort", "number"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "number"], name="cohorts_session_number"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="cohorts_session_ends_after_start",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="cohorts_session_number_gte_1"),
        ]
        indexes = [models.Index(fields=["starts_at"])]

    def __str__(self) -> str:
        return f"{self.cohort} · {self.number}. {self.title}"


class Enrollment(TimeStampedModel):
    """A person's place in a cohort. One per person and cohort."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        ENROLLED = "enrolled", _("Enrolled")
        WAITLISTED = "waitlisted", _("On the waitlist")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        COMPLETED = "completed", _("Completed")

    # The statuses that take one of the cohort's places.
    HOLDS_A_PLACE = (Status.ENROLLED, Status.COMPLETED)

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="enrollments", verbose_name=_("cohort")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="enrollments",
        verbose_name=_("person"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    waitlisted_at = models.DateTimeField(_("joined the waitlist"), null=True, blank=True)
    enrolled_at = models.DateTimeField(_("enrolled"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrew"), null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )

    class Meta:
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        ordering = ["cohort", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "user"], name="cohorts_one_enrollment"),
            models.CheckConstraint(
                condition=~Q(status="waitlisted") | Q(waitlisted_at__isnull=False),
                name="cohorts_waitlisted_has_time",
            ),
        ]
        indexes = [models.Index(fields=["cohort", "status", "waitlisted_at"])]

    def __str__(self) -> str:
        return f"{self.user} in {self.cohort} ({self.get_status_display()})"


class Attendance(models.Model):
    """Whether an enrolled person came to a session, as recorded by a trainer."""

    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        ABSENT = "absent", _("Absent")
        EXCUSED = "excused", _("Excused")

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("session")
    )
    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("person")
    )
    status = models.CharField(_("attendance"), max_length=10, choices=Status.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "enrollment"], name="cohorts_attendance_once_per_session"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrollment.user} · {self.session} · {self.get_status_display()}"


def _new_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """The secret behind a person's private calendar feed address; resetting it replaces it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=_new_token)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed")

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"


class CourseInterest(models.Model):
    """Someone with no cohort open to them asks to hear about the next run of a course.

    Trainers see the demand on a cohort's admin page; when a cohort of the course opens
    for enrolment, everyone interested whose unit it is open to gets one e-mail (keyed by
    cohort and person). A person withdraws their interest by deleting the row.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="course_interests",
        verbose_name=_("person"),
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.CASCADE,
        related_name="interests",
        verbose_name=_("course"),
    )
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)

    class Meta:
        verbose_name = _("interest in a course")
        verbose_name_plural = _("interest in courses")
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="cohorts_one_interest")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.course}"
