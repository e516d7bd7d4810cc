"""Authoring practice in the Wagtail admin: trainers write practice assignments and their
rubrics as snippets, and reach a course's assignments from the course itself, in the page
explorer and in the page editor. ``wagtail_hooks`` registers the viewset and the buttons.
"""

from django import forms
from django.core.validators import MinValueValidator
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from modelcluster.forms import BaseChildFormSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
)
from wagtail.admin.ui.tables import Column
from wagtail.admin.utils import set_query_params
from wagtail.admin.widgets import Button
from wagtail.snippets.views.snippets import CreateView, IndexView, SnippetViewSet

from cms.models import Platform
from competencies.models import Competency
from courses.models import CoursePage
from courses.selectors import lessons_by_course

from .models import Assignment

# --- Authoring: the assignment form ----------------------------------------------------


def _course_id_from(request) -> int | None:
    """The course named by ``?course=<id>``, if it is one; anything else is ignored."""
    value = request.GET.get("course", "")
    if not value.isdigit():
        return None
    return CoursePage.objects.filter(pk=int(value)).values_list("pk", flat=True).first()


def _lesson_choices() -> list:
    """Every lesson, grouped under its course (two queries, however many courses)."""
    return [("", "---------"), *lessons_by_course()]


class AssignmentAdminForm(WagtailAdminModelForm):
    """Courses and lessons as plain lists (a course has a handful of lessons), and the checks
    that need the many-to-many platforms, which ``Assignment.clean()`` cannot see."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = CoursePage.objects.order_by("title")
        self.fields["after_lesson"].choices = _lesson_choices()
        self.fields["platforms"].queryset = Platform.objects.order_by("name")
        after_session = self.fields["after_session"]
        after_session.validators.append(MinValueValidator(1))
        after_session.widget.attrs["min"] = 1

    def clean(self):
        cleaned_data = super().clean()
        if (
            cleaned_data.get("needs_link")
            and "platforms" in cleaned_data
            and not cleaned_data["platforms"]
        ):
            self.add_error(
                "platforms",
                _("Tick at least one platform: a link must point at one of the ticked ones."),
            )
        return cleaned_data


class RubricCriterionForm(WagtailAdminModelForm):
    """One criterion; competencies are offered by name."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competency"].queryset = Competency.objects.order_by("name")


class RubricFormSet(BaseChildFormSet):
    default_error_messages = {
        "too_few_forms": ngettext_lazy(
            "Add at least %(num)d rubric criterion: what the reviewer looks for.",
            "Add at least %(num)d rubric criteria: what the reviewer looks for.",
            "num",
        ),
    }


class RubricPanel(InlinePanel):
    """The rubric's criteria, built with our own child form and formset (Wagtail's
    ``InlinePanel`` passes its options to django-modelcluster's ``childformset_factory``)."""

    def get_form_options(self):
        options = super().get_form_options()
        formset = options["formsets"][self.relation_name]
        formset["form"] = RubricCriterionForm
        formset["formset"] = RubricFormSet
        return options


ASSIGNMENT_PANELS = [
    FieldPanel("course", widget=forms.Select),
    FieldPanel("title"),
    FieldPanel("instructions"),
    MultiFieldPanel(
        [
            FieldPanel("needs_link"),
            FieldPanel("platforms", widget=forms.CheckboxSelectMultiple),
            FieldPanel("needs_screenshot"),
            FieldRowPanel([FieldPanel("needs_reflection"), FieldPanel("reflection_min_chars")]),
        ],
        heading=_("Evidence required"),
    ),
    MultiFieldPanel(
        [FieldPanel("after_session"), FieldPanel("after_lesson", widget=forms.Select)],
        heading=_("When it opens"),
        help_text=_(
            "In a cohort it opens when that session ends and is due when the next one starts "
            "(a week after the last session). Trainers can set other dates per cohort."
        ),
    ),
    RubricPanel(
        "criteria",
        panels=[
            FieldPanel("description"),
            FieldPanel("competency", widget=forms.Select),
            FieldPanel("level"),
        ],
        label=_("Rubric criterion"),
        heading=_("Rubric"),
        min_num=1,
    ),
]


# --- Authoring: the listing and the views ----------------------------------------------


def _opens_after(assignment: Assignment) -> str:
    if assignment.after_session is not None:
        return _("Session %(number)d") % {"number": assignment.after_session}
    if assignment.after_lesson is not None:
        return _("Lesson: %(title)s") % {"title": assignment.after_lesson.title}
    return "—"


def _evidence_summary(assignment: Assignment) -> str:
    parts = []
    if assignment.needs_link:
        platforms = ", ".join(platform.name for platform in assignment.platforms.all())
        parts.append(_("link (%(platforms)s)") % {"platforms": platforms or "—"})
    if assignment.needs_screenshot:
        parts.append(_("screenshot"))
    if assignment.needs_reflection:
        parts.append(
            _("reflection (%(count)d+ characters)") % {"count": assignment.reflection_min_chars}
        )
    summary = " · ".join(str(part) for part in parts)
    return summary[:1].upper() + summary[1:]


class AssignmentIndexView(IndexView):
    """A list filtered by course offers to add an assignment to that course."""

    def get_add_url(self):
        url = super().get_add_url()
        course_id = _course_id_from(self.request)
        if url and course_id is not None:
            url = set_query_params(url, {"course": course_id})
        return url


class AssignmentCreateView(CreateView):
    """``?course=<id>`` (from the course's button) fills in the course."""

    def get_initial(self):
        initial = super().get_initial()
        course_id = _course_id_from(self.request)
        if course_id is not None:
            initial["course"] = course_id
        return initial


class AssignmentViewSet(SnippetViewSet):
    """Trainers (and site admins) author practice assignments; the Trainer group's model
    permissions decide who sees the menu item and who gets in."""

    model = Assignment
    icon = "clipboard-list"
    menu_label = _("Practice assignments")
    menu_name = "practice-assignments"
    menu_order = 265  # after Cohorts (260)
    add_to_admin_menu = True
    index_view_class = AssignmentIndexView
    add_view_class = AssignmentCreateView
    list_display = [
        "title",
        "course",
        Column("opens_after", label=_("Opens after"), accessor=_opens_after),
        Column("evidence", label=_("Evidence"), accessor=_evidence_summary),
    ]
    list_filter = ["course"]
    # Tens of assignments: a plain database search finds part of a title at once.
    search_fields = ["title"]
    search_backend_name = None
    ordering = ["course__title", "after_session", "title"]
    edit_handler = ObjectList(ASSIGNMENT_PANELS, base_form_class=AssignmentAdminForm)

    def get_queryset(self, request):
        return Assignment.objects.select_related("course", "after_lesson").prefetch_related(
            "platforms"
        )


# --- Authoring: from a course to its assignments ---------------------------------------


def course_buttons(page, user, priority: int):
    """Links from a course to its assignments, for people who may see them."""
    if page.specific_class is not CoursePage:
        return
    viewset = Assignment.snippet_viewset
    policy = viewset.permission_policy
    if policy.user_has_any_permission(user, ["add", "change", "delete", "view"]):
        yield Button(
            _("Practice assignments"),
            set_query_params(reverse(viewset.get_url_name("list")), {"course": page.pk}),
            icon_name="clipboard-list",
            priority=priority,
        )
    if policy.user_has_permission(user, "add"):
        yield Button(
            _("Add practice assignment"),
            set_query_params(reverse(viewset.get_url_name("add")), {"course": page.pk}),
            icon_name="plus",
            priority=priority + 1,
        )
