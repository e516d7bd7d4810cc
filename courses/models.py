"""Courses are Wagtail pages; what learners do with them (completions, attempts) is plain
models that point at the pages."""

from django import forms
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from .blocks import LessonStreamBlock


class Audience(models.TextChoices):
    MANAGERS = "managers", _("Managers")
    EMPLOYEES = "employees", _("Employees")
    EVERYONE = "everyone", _("Everyone")


class CourseIndexPage(Page):
    """The catalogue: every published course, with filters and search."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["courses.CoursePage"]

    class Meta:
        verbose_name = _("course catalogue")


class CoursePage(Page):
    """A short course: a handful of lessons for managers, employees or everyone."""

    summary = models.TextField(_("summary"), max_length=600)
    audience = models.CharField(
        _("audience"), max_length=20, choices=Audience.choices, default=Audience.EVERYONE
    )
    outcomes = models.TextField(
        _("outcomes"),
        blank=True,
        help_text=_("What people can do after the course; one per line."),
    )
    competencies = ParentalManyToManyField(
        "competencies.Competency",
        blank=True,
        related_name="courses",
        verbose_name=_("competencies covered"),
    )
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cover image"),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("audience"),
        FieldPanel("outcomes"),
        FieldPanel("competencies", widget=forms.CheckboxSelectMultiple),
        FieldPanel("cover_image"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("outcomes"),
        index.FilterField("audience"),
    ]

    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.LessonPage"]

    class Meta:
        verbose_name = _("course")

    @property
    def outcome_list(self) -> list[str]:
        return [line.strip() for line in self.outcomes.splitlines() if line.strip()]


class LessonPage(Page):
    """One short lesson: a few minutes of reading, a knowledge check, something to try."""

    summary = models.TextField(_("summary"), max_length=400, blank=True)
    minutes = models.PositiveSmallIntegerField(
        _("minutes to read"), default=5, help_text=_("Keep lessons short: 5 to 15 minutes.")
    )
    body = StreamField(LessonStreamBlock(), verbose_name=_("body"))
    competencies = ParentalManyToManyField(
        "competencies.Competency",
        blank=True,
        related_name="lessons",
        verbose_name=_("competencies covered"),
        help_text=_("Leave empty to use the course's competencies."),
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel([FieldPanel("summary"), FieldPanel("minutes")], heading=_("About")),
        FieldPanel("body"),
        FieldPanel("competencies", widget=forms.CheckboxSelectMultiple),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
    ]

    parent_page_types = ["courses.CoursePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("lesson")


class LessonCompletion(models.Model):
    """A learner marked a lesson done."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_completions"
    )
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField(_("completed"), auto_now_add=True)

    class Meta:
        verbose_name = _("lesson completion")
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="courses_lesson_done_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} finished {self.lesson}"


class CourseCompletion(models.Model):
    """A learner completed every lesson of a course."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="course_completions"
    )
    course = models.ForeignKey(CoursePage, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField(_("completed"), auto_now_add=True)

    class Meta:
        verbose_name = _("course completion")
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="courses_course_done_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} completed {self.course}"


class KnowledgeCheckAttempt(models.Model):
    """One answer to one knowledge check in a lesson; every attempt is kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="knowledge_check_attempts"
    )
    lesson = models.ForeignKey(
        LessonPage, on_delete=models.CASCADE, related_name="knowledge_check_attempts"
    )
    block_id = models.CharField(_("check"), max_length=64)
    selected = models.JSONField(_("answers chosen"), default=list)
    passed = models.BooleanField(_("passed"))
    created_at = models.DateTimeField(_("answered"), auto_now_add=True)

    class Meta:
        verbose_name = _("knowledge check attempt")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "lesson", "block_id"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.lesson} · {'passed' if self.passed else 'not yet'}"
