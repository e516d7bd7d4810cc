"""Practice between sessions: assignments with their rubric, learners' submissions (one row
per attempt) and trainers' reviews.

Assignments are authored with a course (a snippet per course in the Wagtail admin); a
cohort of that course opens each one after a session and expects it before the next, unless
its trainers set other dates (``AssignmentWindow``). Writes go through
``assessments.services``.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.fields import RichTextField
from wagtail.models import Orderable

from competencies.levels import Level
from core.models import TimeStampedModel

from .storage import private_storage

INSTRUCTION_FEATURES = ["h3", "bold", "italic", "ol", "ul", "link"]


class Assignment(ClusterableModel, TimeStampedModel):
    """Something to do on a real platform between two sessions, and how it is judged."""

    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("course"),
    )
    title = models.CharField(_("title"), max_length=160)
    instructions = RichTextField(_("instructions"), features=INSTRUCTION_FEATURES)
    platforms = ParentalManyToManyField(
        "cms.Platform",
        blank=True,
        related_name="assignments",
        verbose_name=_("platforms allowed"),
        help_text=_("Where learners may practise; a link must point at one of these."),
    )
    needs_link = models.BooleanField(_("a link to a public post or profile"), default=True)
    needs_screenshot = models.BooleanField(_("a screenshot"), default=False)
    needs_reflection = models.BooleanField(_("a written reflection"), default=True)
    reflection_min_chars = models.PositiveIntegerField(
        _("shortest reflection (characters)"),
        default=300,
        help_text=_("Counted on the text, without formatting."),
    )
    after_session = models.PositiveSmallIntegerField(
        _("opens after session"),
        null=True,
        blank=True,
        help_text=_(
            "In a cohort it opens when this session ends and is due when the next one "
            "starts. Leave empty to use a lesson instead."
        ),
    )
    after_lesson = models.ForeignKey(
        "courses.LessonPage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("or opens after the session covering lesson"),
    )

    # The admin form is ``assessments.wagtail_hooks.ASSIGNMENT_PANELS``.

    class Meta:
        verbose_name = _("practice assignment")
        verbose_name_plural = _("practice assignments")
        ordering = ["course", "after_session", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(needs_link=True) | Q(needs_screenshot=True) | Q(needs_reflection=True),
                name="assessments_assignment_needs_evidence",
            ),
            models.CheckConstraint(
                condition=Q(after_session__isnull=True) | Q(after_session__gte=1),
                name="assessments_assignment_after_session_gte_1",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, list] = {}
        if not (self.needs_link or self.needs_screenshot or self.needs_reflection):
            errors.setdefault("needs_link", []).append(
                _("Ask for at least one kind of evidence: a link, a screenshot or a reflection.")
            )
        if (self.after_session is None) == (self.after_lesson_id is None):
            errors.setdefault("after_session", []).append(
                _("Say after which session it opens, or after which lesson (one of the two).")
            )
        if self.after_lesson_id and self.course_id:
            lesson, course = self.after_lesson, self.course
            if not lesson.path.startswith(course.path) or lesson.depth != course.depth + 1:
                errors.setdefault("after_lesson", []).append(
                    _("Choose a lesson of this assignment's course.")
                )
        if self.needs_reflection and self.reflection_min_chars > 10_000:
            errors.setdefault("reflection_min_chars", []).append(
                _("Ask for at most 10,000 characters.")
            )
        if errors:
            raise ValidationError(errors)


class RubricCriterion(Orderable):
    """One thing a reviewer looks for; meeting it grants a level in a competency."""

    assignment = ParentalKey(Assignment, on_delete=models.CASCADE, related_name="criteria")
    description = models.CharField(_("what the reviewer looks for"), max_length=300)
    competency = models.ForeignKey(
        "competencies.Competency",
        on_delete=models.PROTECT,
        related_name="criteria",
        verbose_name=_("competency"),
    )
    level = models.PositiveSmallIntegerField(
        _("level when met"),
        choices=[(level.value, level.label) for level in Level if level > Level.NOT_YET],
        default=Level.PRACTISING,
    )

    class Meta(Orderable.Meta):
        verbose_name = _("rubric criterion")
        verbose_name_plural = _("rubric criteria")
        constraints = [
            models.CheckConstraint(
                condition=Q(level__gte=1) & Q(level__lte=4), name="assessments_criterion_level"
            )
        ]

    def __str__(self) -> str:
        return self.description


class AssignmentWindow(TimeStampedModel):
    """A cohort's own dates for an assignment, set by its trainers (otherwise the dates
    follow the cohort's sessions)."""

    cohort = models.ForeignKey(
        "cohorts.Cohort", on_delete=models.CASCADE, related_name="assignment_windows"
    )
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="windows")
    opens_at = models.DateTimeField(_("opens"))
    due_at = models.DateTimeField(_("due"))

    class Meta:
        verbose_name = _("assignment dates for a cohort")
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "assignment"], name="assessments_one_window_per_cohort"
            ),
            models.CheckConstraint(
                condition=Q(due_at__gt=models.F("opens_at")),
                name="assessments_window_due_after_opening",
            ),
        ]


SCREENSHOT_FOLDER = "screenshots"


def screenshot_path(instance, filename: str) -> str:
    """Screenshots keep the random name ``evidence.screenshot_process`` chose; nothing of
    the learner's own file name survives."""
    return f"{SCREENSHOT_FOLDER}/{filename}"


class Submission(TimeStampedModel):
    """One attempt at an assignment by a person in a cohort: a draft until submitted, then
    decided by a review. A new attempt follows a request for revision; all are kept."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Waiting for review")
        NEEDS_REVISION = "needs_revision", _("Needs revision")
        ACCEPTED = "accepted", _("Accepted")

    class LinkCheck(models.TextChoices):
        PENDING = "pending", _("Not checked yet")
        OK = "ok", _("Answered")
        UNREACHABLE = "unreachable", _("Did not answer")
        ERROR = "error", _("Not found or not public")
        REFUSED = "refused", _("Not checked: address refused")

    # The attempts that are still open: at most one per person, cohort and assignment.
    OPEN = (Status.DRAFT, Status.SUBMITTED)

    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="submissions")
    cohort = models.ForeignKey(
        "cohorts.Cohort", on_delete=models.CASCADE, related_name="submissions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="submissions"
    )
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=1)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    link_url = models.CharField(_("link"), max_length=2000, blank=True)
    platform = models.ForeignKey(
        "cms.Platform", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    screenshot = models.FileField(
        _("screenshot"), storage=private_storage, upload_to=screenshot_path, blank=True
    )
    screenshot_width = models.PositiveIntegerField(null=True, blank=True)
    screenshot_height = models.PositiveIntegerField(null=True, blank=True)
    reflection = models.TextField(_("reflection"), blank=True)  # plain text, as typed
    reflection_chars = models.PositiveIntegerField(default=0)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    is_late = models.BooleanField(_("late"), default=False)
    link_check = models.CharField(
        max_length=20, choices=LinkCheck.choices, default=LinkCheck.PENDING
    )
    link_checked_at = models.DateTimeField(null=True, blank=True)
    link_http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    link_title = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "cohort", "user", "attempt"],
                name="assessments_attempt_numbers_unique",
            ),
            models.UniqueConstraint(
                fields=["assignment", "cohort", "user"],
                condition=Q(status__in=["draft", "submitted"]),
                name="assessments_one_open_attempt",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False),
                name="assessments_submitted_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "submitted_at"]),
            models.Index(fields=["cohort", "assignment", "user"]),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.assignment} · {self.attempt}"


class Review(models.Model):
    """A trainer's decision on a submitted attempt; accepting writes competency evidence."""

    evidence_source_kind = "practice_review"

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", _("Accept")
        NEEDS_REVISION = "needs_revision", _("Ask for a revision")

    submission = models.OneToOneField(Submission, on_delete=models.CASCADE, related_name="review")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    criteria_met = models.ManyToManyField(
        RubricCriterion, blank=True, related_name="+", verbose_name=_("criteria met")
    )
    feedback = models.TextField(_("feedback"), blank=True)  # plain text
    decided_at = models.DateTimeField(_("decided"), auto_now_add=True)
    # When the learner opened the feedback (``review_mark_read``, on a POST); empty while
    # unread, so "New feedback" means exactly that.
    read_at = models.DateTimeField(_("read by the learner"), null=True, blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self) -> str:
        return f"{self.submission} · {self.get_decision_display()}"
