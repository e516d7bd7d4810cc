"""Courses are Wagtail pages; what learners do with them (completions, attempts) is plain
models that point at the pages."""

from http import HTTPStatus

from django import forms
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from core.dashboard import all_personal
from core.pagecache import cache_for_visitors
from core.personcache import cache_for_person
from people.roles import user_can_use_cms_admin

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

    def get_context(self, request, *args, **kwargs):
        from .forms import CatalogueFilterForm
        from .selectors import catalogue_cards, catalogue_competencies

        context = super().get_context(request, *args, **kwargs)
        form = CatalogueFilterForm(request.GET, competencies=catalogue_competencies(index=self))
        filters = form.filters()
        context["filter_form"] = form
        context["filters"] = filters
        context["cards"] = catalogue_cards(
            user=request.user,
            index=self,
            audience=filters.audience,
            competency=filters.competency,
            query=filters.query,
        )
        return context

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        if request.user.is_authenticated:  # shows the person's own progress
            patch_cache_control(response, private=True)
        else:  # the same for every visitor (filtered lists are not kept)
            cache_for_visitors(request, response)
        return response


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

    def get_context(self, request, *args, **kwargs):
        from .extensions import COURSE_PAGE_SECTIONS
        from .selectors import course_overview

        context = super().get_context(request, *args, **kwargs)
        context["overview"] = course_overview(user=request.user, course=self)
        context["sections"] = (
            COURSE_PAGE_SECTIONS.collect(request=request, course=self)
            if request.user.is_authenticated and not getattr(request, "is_preview", False)
            else []
        )
        return context

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        if request.user.is_authenticated:  # shows the person's own progress
            patch_cache_control(response, private=True)
            context = getattr(response, "context_data", None) or {}
            if all_personal(context.get("sections", [])):
                release = getattr(context.get("overview"), "release", None)
                keep_for_learner(request, response, release)
        else:  # the same for every visitor
            cache_for_visitors(request, response)
        return response


def keep_for_learner(request, response, release) -> None:
    """Let a learner's course or lesson page be kept for them (``core.personcache``) until
    the next lesson of the course opens for them. Not for people who edit pages (the
    admin's user bar and drafts depend on page permissions) nor for previews."""
    if getattr(request, "is_preview", False) or user_can_use_cms_admin(request.user):
        return
    opening = release.next_opening(timezone.now()) if release is not None else None
    cache_for_person(request, response, valid_until=opening)


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

    def get_context(self, request, *args, **kwargs):
        from .selectors import lesson_overview

        context = super().get_context(request, *args, **kwargs)
        is_preview = getattr(request, "is_preview", False)
        context["overview"] = lesson_overview(
            user=request.user,
            lesson=self,
            release=getattr(self, "_courses_release", None),
            shared=not is_preview,
        )
        context["is_preview"] = is_preview
        return context

    def serve(self, request, *args, **kwargs):
        """Only signed-in people the lesson is open to read it; visitors are asked to log in.

        Wagtail routes only live lessons here; a live lesson of a course that is not live
        is hidden as well. Previews in the admin do not come through here. Someone the
        lesson is not released to yet gets a page (status 403) that says why and when it
        opens, in the site's layout.
        """
        from .selectors import lesson_course, lesson_is_available, lesson_release_for_course

        course = lesson_course(lesson=self)
        if course is None or not course.live:
            raise Http404
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        release = lesson_release_for_course(user=request.user, course=course)
        if not lesson_is_available(user=request.user, lesson=self, release=release):
            lock = release.lock_for(self.pk)
            if lock is None:  # open by schedule, closed for another reason
                raise PermissionDenied
            response = TemplateResponse(
                request,
                "courses/lesson_locked.html",
                {"page": self, "self": self, "course": course, "lock": lock},
                status=HTTPStatus.FORBIDDEN,
            )
        else:
            self._courses_release = release  # for get_context: the next lesson's lock
            response = super().serve(request, *args, **kwargs)
            keep_for_learner(request, response, release)
        patch_cache_control(response, private=True)
        return response


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

    # competencies.services.evidence_record reads this to file the evidence under the
    # right kind of source.
    evidence_source_kind = "knowledge_check"

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
