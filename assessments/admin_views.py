"""The trainers' practice screens in the Wagtail admin: the queue of work waiting for a
review, one submission with its rubric, a cohort's grid of who did what, and a cohort's
own dates for its assignments.

Trainers see the cohorts they run and nothing else (any other submission or cohort gives
404, as if it did not exist); site admins see all; everyone else in the admin is turned
back by Wagtail. Every write goes through ``assessments.services``; their refusals come
back on the form, with whatever was typed and ticked kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.sidebar import LinkMenuItem

from cohorts.admin_views import TrainerView
from cohorts.forms import zone_named
from cohorts.models import Cohort, Enrollment
from cohorts.selectors import cohorts_for_trainer
from core.errors import error_text
from people.models import zone_or_utc
from people.roles import user_is_site_admin, user_is_trainer

from .admin_forms import ReviewForm, WindowForm
from .extensions import PRACTICE_WORK_SECTIONS
from .models import Assignment, Review, RubricCriterion, Submission
from .selectors import Window, assignment_windows, latest_attempts, submissions_waiting
from .services import WindowChange, WindowRowsError, assignment_windows_save, review_decide

PER_PAGE = 25
Status = Submission.Status


def _pk_param(value: str | None) -> int | None:
    """A positive id from a query string, or None for anything else (never an error)."""
    value = (value or "").strip()
    if not value.isascii() or not value.isdigit() or len(value) > 10:
        return None
    number = int(value)
    return number if 0 < number < 2**31 else None


def web_link(url: str) -> str:
    """``url`` if it is an http(s) address a trainer may open, else "" (shown as text)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else ""


def person_name(user) -> str:
    return user.get_full_name() or user.email


class PracticeView(TrainerView):
    """Trainers and site admins only; others in the admin are turned back."""

    header_icon = "tasks"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("assessments_admin:queue"), "label": _("Review practice")},
        ]


# --- The queue ----------------------------------------------------------------------------


class QueueView(PracticeView):
    """Work waiting for a decision in the viewer's cohorts, oldest first."""

    template_name = "assessments/admin/queue.html"
    page_title = gettext_lazy("Review practice")

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": _("Review practice")}]

    def _cohort_filter(self, waiting) -> tuple[int | None, list[dict]]:
        """The cohort asked for (if the viewer runs it) and the cohorts with work waiting."""
        choices = list(
            waiting.order_by()
            .values("cohort_id", "cohort__name")
            .annotate(waiting=Count("pk"))
            .order_by("cohort__name", "cohort_id")
        )
        wanted = _pk_param(self.request.GET.get("cohort"))
        if wanted is not None and all(row["cohort_id"] != wanted for row in choices):
            cohort = cohorts_for_trainer(user=self.request.user).filter(pk=wanted).first()
            if cohort is None:
                wanted = None
            else:
                choices.append({"cohort_id": cohort.pk, "cohort__name": cohort.name, "waiting": 0})
        return wanted, choices

    def _assignment_filter(self, waiting) -> tuple[int | None, list[dict]]:
        choices = list(
            waiting.order_by()
            .values("assignment_id", "assignment__title", "assignment__course__title")
            .annotate(waiting=Count("pk"))
            .order_by("assignment__course__title", "assignment__title", "assignment_id")
        )
        wanted = _pk_param(self.request.GET.get("assignment"))
        if wanted is not None and all(row["assignment_id"] != wanted for row in choices):
            assignment = (
                Assignment.objects.filter(
                    pk=wanted,
                    course__cohorts__in=cohorts_for_trainer(user=self.request.user).order_by(),
                )
                .select_related("course")
                .first()
            )
            if assignment is None:
                wanted = None
            else:
                choices.append(
                    {
                        "assignment_id": assignment.pk,
                        "assignment__title": assignment.title,
                        "assignment__course__title": assignment.course.title,
                        "waiting": 0,
                    }
                )
        return wanted, choices

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        waiting = submissions_waiting(user=user)
        cohort_id, cohorts = self._cohort_filter(waiting)
        if cohort_id is not None:
            waiting = waiting.filter(cohort_id=cohort_id)
        assignment_id, assignments = self._assignment_filter(waiting)
        if assignment_id is not None:
            waiting = waiting.filter(assignment_id=assignment_id)
        page = Paginator(waiting, PER_PAGE).get_page(self.request.GET.get("p"))
        filters = {
            name: value
            for name, value in (("cohort", cohort_id), ("assignment", assignment_id))
            if value is not None
        }
        context.update(
            {
                "page": page,
                "cohorts": cohorts,
                "assignments": assignments,
                "cohort_id": cohort_id,
                "assignment_id": assignment_id,
                "filtered": bool(filters),
                "filter_query": urlencode(filters),
                "viewer_tz": zone_or_utc(user.time_zone),
                "now": timezone.now(),
            }
        )
        return context


# --- One submission -----------------------------------------------------------------------


def submissions_for_trainer(*, user):
    """Submissions in the cohorts ``user`` runs (all for a site admin), with what the
    review screen shows beside them."""
    submissions = Submission.objects.select_related(
        "assignment",
        "assignment__course",
        "cohort",
        "user",
        "user__unit",
        "platform",
        "review",
        "review__reviewer",
    )
    if user_is_site_admin(user):
        return submissions
    return submissions.filter(cohort__trainers=user)


class ReviewView(PracticeView):
    """A submission's evidence, its earlier attempts and the rubric to decide it with."""

    template_name = "assessments/admin/review.html"

    def _load(self) -> Submission:
        return get_object_or_404(
            submissions_for_trainer(user=self.request.user), pk=self.kwargs["pk"]
        )

    @cached_property
    def submission(self) -> Submission:
        return self._load()

    @cached_property
    def criteria(self) -> list[RubricCriterion]:
        return list(
            RubricCriterion.objects.filter(assignment_id=self.submission.assignment_id)
            .select_related("competency")
            .order_by("sort_order", "pk")
        )

    def get_page_title(self):
        return _("Review: %(title)s") % {"title": self.submission.assignment.title}

    def get_page_subtitle(self):
        return person_name(self.submission.user)

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.get_page_title()}]

    def _form(self, data=None) -> ReviewForm:
        return ReviewForm(data, criteria=self.criteria)

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self._form()))

    def post(self, request, *args, **kwargs):
        submission = self.submission
        form = self._form(request.POST)
        if form.is_valid():
            decision = form.cleaned_data["decision"]
            try:
                review_decide(
                    submission=submission,
                    by=request.user,
                    decision=decision,
                    criteria_met=list(form.cleaned_data["criteria_met"]),
                    feedback=form.cleaned_data["feedback"],
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    form.add_error(None, error)
                else:
                    form.add_error(None, error.messages)
            except PermissionDenied as error:
                form.add_error(None, error_text(error))
            else:
                text = (
                    _("Accepted: “%(title)s” by %(person)s. They are told by e-mail.")
                    if decision == Review.Decision.ACCEPTED
                    else _("%(person)s is asked to revise “%(title)s” and told by e-mail.")
                )
                messages.success(
                    request,
                    text
                    % {
                        "person": person_name(submission.user),
                        "title": submission.assignment.title,
                    },
                )
                return redirect("assessments_admin:queue")
        # Another trainer may have decided it meanwhile: show what is true now, and keep
        # what this one typed and ticked.
        self.submission = self._load()
        return self.render_to_response(self.get_context_data(form=form))

    def _attempts(self) -> list[Submission]:
        """Every attempt of this person at this assignment in this cohort, oldest first,
        with its review and the criteria it met."""
        submission = self.submission
        return list(
            Submission.objects.filter(
                assignment_id=submission.assignment_id,
                cohort_id=submission.cohort_id,
                user_id=submission.user_id,
            )
            .select_related("review", "review__reviewer", "platform")
            .prefetch_related(
                Prefetch(
                    "review__criteria_met",
                    queryset=RubricCriterion.objects.select_related("competency").order_by(
                        "sort_order", "pk"
                    ),
                )
            )
            .order_by("attempt")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        submission = self.submission
        attempts = self._attempts()
        for attempt in attempts:
            # The same assignment, cohort and person as the one loaded: no query each.
            attempt.assignment, attempt.cohort, attempt.user = (
                submission.assignment,
                submission.cohort,
                submission.user,
            )
            attempt.web_link = web_link(attempt.link_url)
        current = next((a for a in attempts if a.pk == submission.pk), submission)
        review = getattr(current, "review", None)
        form = kwargs["form"]
        context.update(
            {
                "submission": current,
                "assignment": current.assignment,
                "cohort": current.cohort,
                "person": current.user,
                "review": review,
                "earlier": [a for a in attempts if a.attempt < current.attempt],
                "later": [a for a in attempts if a.attempt > current.attempt],
                "can_decide": current.status == Status.SUBMITTED,
                # A form refused because the work was decided meanwhile: what was typed.
                "kept": form.is_bound and current.status != Status.SUBMITTED,
                "cohort_tz": zone_or_utc(current.cohort.time_zone),
                "viewer_tz": zone_or_utc(self.request.user.time_zone),
                "decisions": Review.Decision,
                "sections": PRACTICE_WORK_SECTIONS.collect(
                    request=self.request,
                    submissions=[a for a in attempts if a.attempt <= current.attempt],
                    viewer="reviewer",
                ),
            }
        )
        return context


# --- A cohort's grid and dates ------------------------------------------------------------


class CohortPracticeMixin:
    """Views about one cohort the viewer runs (404 otherwise)."""

    @cached_property
    def cohort(self) -> Cohort:
        return get_object_or_404(
            cohorts_for_trainer(user=self.request.user), pk=self.kwargs["cohort_pk"]
        )

    @cached_property
    def zone(self):
        return zone_named(self.cohort.time_zone)

    def get_page_subtitle(self):
        return self.cohort.name

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("cohorts_admin:index"), "label": _("Cohorts")},
            {"url": reverse("cohorts_admin:detail", args=[self.cohort.pk]), "label": self.cohort},
            {"url": "", "label": self.get_page_title()},
        ]

    def assignments(self) -> list[Assignment]:
        return list(Assignment.objects.filter(course_id=self.cohort.course_id))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["cohort"] = self.cohort
        context["cohort_tz"] = self.zone
        return context


@dataclass(frozen=True)
class Column:
    assignment: Assignment
    window: Window | None


@dataclass(frozen=True)
class Cell:
    """One person's latest attempt at one assignment."""

    column: Column
    submission: Submission | None
    now: datetime

    @property
    def state(self) -> str:
        if self.submission is None:
            return "not_started"
        return self.submission.status

    @property
    def label(self) -> str:
        if self.submission is None:
            window = self.column.window
            if window is None or not window.is_open_at(self.now):
                return _("Not open yet")
            return _("Not started")
        return self.submission.get_status_display()

    @property
    def is_overdue(self) -> bool:
        """Not handed in, and the due date has passed."""
        window = self.column.window
        handed_in = self.submission is not None and self.submission.status != Status.DRAFT
        return window is not None and not handed_in and self.now > window.due_at


@dataclass(frozen=True)
class Row:
    enrollment: Enrollment
    cells: list[Cell]


class GridView(CohortPracticeMixin, PracticeView):
    """Everyone holding a place, against the course's assignments: each person's latest attempt."""

    template_name = "assessments/admin/grid.html"
    page_title = gettext_lazy("Practice: who did what")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cohort, now = self.cohort, timezone.now()
        windows = assignment_windows(cohorts=[cohort])
        columns = [
            Column(assignment=assignment, window=windows.get((cohort.pk, assignment.pk)))
            for assignment in self.assignments()
        ]
        far = datetime.max.replace(tzinfo=UTC)
        columns.sort(
            key=lambda c: (
                c.window.due_at if c.window else far,
                c.assignment.title,
                c.assignment.pk,
            )
        )
        enrollments = list(
            Enrollment.objects.filter(cohort=cohort, status__in=Enrollment.HOLDS_A_PLACE)
            .select_related("user", "user__unit")
            .order_by("user__last_name", "user__first_name", "user__email", "pk")
        )
        latest = latest_attempts(
            user_ids=[enrollment.user_id for enrollment in enrollments], cohort_ids=[cohort.pk]
        )
        rows = []
        totals = {column.assignment.pk: {"waiting": 0, "accepted": 0} for column in columns}
        for enrollment in enrollments:
            cells = []
            for column in columns:
                submission = latest.get((enrollment.user_id, cohort.pk, column.assignment.pk))
                if submission is not None and submission.status == Status.SUBMITTED:
                    totals[column.assignment.pk]["waiting"] += 1
                elif submission is not None and submission.status == Status.ACCEPTED:
                    totals[column.assignment.pk]["accepted"] += 1
                cells.append(Cell(column=column, submission=submission, now=now))
            rows.append(Row(enrollment=enrollment, cells=cells))
        context.update(
            {
                "columns": [(column, totals[column.assignment.pk]) for column in columns],
                "rows": rows,
                "now": now,
            }
        )
        return context


class DatesView(CohortPracticeMixin, PracticeView):
    """The cohort's own opening and due dates per assignment, or the schedule's."""

    template_name = "assessments/admin/dates.html"
    page_title = gettext_lazy("Practice dates")

    def _rows(self, data=None) -> list[tuple[Assignment, WindowForm]]:
        windows = assignment_windows(cohorts=[self.cohort])
        return [
            (
                assignment,
                WindowForm(
                    data,
                    prefix=f"assignment-{assignment.pk}",
                    window=windows.get((self.cohort.pk, assignment.pk)),
                    zone=self.zone,
                ),
            )
            for assignment in self.assignments()
        ]

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(rows=self._rows()))

    def post(self, request, *args, **kwargs):
        rows = self._rows(request.POST)
        if all(form.is_valid() for _assignment, form in rows):
            changes = [
                WindowChange(
                    assignment=assignment,
                    action=form.action(),
                    opens_at=form.cleaned_data.get("opens_at"),
                    due_at=form.cleaned_data.get("due_at"),
                )
                for assignment, form in rows
            ]
            failed = False
            try:
                changed = assignment_windows_save(
                    cohort=self.cohort, changes=changes, by=request.user
                )
            except WindowRowsError as refusal:
                failed = True
                for index, error in refusal.rows.items():
                    form = rows[index][1]
                    field = None
                    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
                        field = next((n for n in error.error_dict if n in form.fields), None)
                    form.add_error(field, error_text(error))
            if not failed:
                if changed:
                    messages.success(
                        request,
                        ngettext(
                            "Dates saved for %(n)s assignment.",
                            "Dates saved for %(n)s assignments.",
                            changed,
                        )
                        % {"n": changed},
                    )
                else:
                    messages.info(request, _("Nothing changed."))
                return redirect("assessments_admin:dates", cohort_pk=self.cohort.pk)
        messages.error(request, _("The dates could not be saved: see the errors below."))
        return self.render_to_response(self.get_context_data(rows=rows))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_change"] = self.cohort.cancelled_at is None
        return context


# --- The menu item -----------------------------------------------------------------------

MENU_COUNT_CAP = 99


class ReviewMenuItem(MenuItem):
    """Shown to trainers and site admins, with the number of submissions waiting in their
    cohorts (one indexed count per admin page)."""

    def is_shown(self, request):
        return user_is_trainer(request.user)

    def render_component(self, request):
        waiting = submissions_waiting(user=request.user).order_by().count()
        label = str(self.label)
        if waiting:
            shown = f"{MENU_COUNT_CAP}+" if waiting > MENU_COUNT_CAP else str(waiting)
            # Kept short: the sidebar cuts labels at about twenty characters.
            label = _("%(label)s (%(count)s)") % {"label": label, "count": shown}
        return LinkMenuItem(
            self.name,
            label,
            self.url,
            icon_name=self.icon_name,
            classname=self.classname,
            attrs=self.attrs,
        )
