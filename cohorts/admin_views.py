"""The trainers' screens in the Wagtail admin: their cohorts, a cohort's schedule and
roster, invitations, attendance, the waitlist, withdrawals and cancellation.

A trainer sees only the cohorts they run (any other gives 404, as if it did not exist);
site admins see all. Every write goes through ``cohorts.services``; their refusals come
back as form errors or messages, and whatever was typed stays on the page.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import TemplateView
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from core.errors import error_text
from courses.models import LessonPage
from courses.selectors import course_titles_by_lesson_path
from people.models import zone_or_utc
from people.roles import user_is_trainer

from .extensions import COHORT_ADMIN_LINKS
from .forms import (
    AttendanceForm,
    CancelForm,
    CohortForm,
    InviteCsvForm,
    InvitePersonForm,
    InviteUnitForm,
    ScheduleFormSet,
    session_initial,
    zone_named,
)
from .models import Attendance, Cohort, Enrollment, Session
from .selectors import (
    LISTING_STATUSES,
    cohort_roster,
    cohorts_for_trainer,
    cohorts_listing,
    course_demand,
    session_attendance,
    users_in_unit,
)
from .services import (
    ScheduleRowError,
    attendance_record_many,
    cohort_cancel,
    cohort_save,
    enrollment_invite,
    enrollment_invite_csv,
    enrollment_promote,
    enrollment_withdraw,
)

PER_PAGE = 25


def invite_summary(report) -> str:
    """What an invitation did, in one sentence for a message."""
    parts = []
    if report.invited:
        parts.append(
            ngettext("%(n)s person invited", "%(n)s people invited", len(report.invited))
            % {"n": len(report.invited)}
        )
    if report.enrolled:
        parts.append(
            ngettext("%(n)s enrolled", "%(n)s enrolled", len(report.enrolled))
            % {"n": len(report.enrolled)}
        )
    if report.waitlisted:
        parts.append(
            ngettext(
                "%(n)s put on the waitlist", "%(n)s put on the waitlist", len(report.waitlisted)
            )
            % {"n": len(report.waitlisted)}
        )
    if report.skipped:
        parts.append(
            ngettext(
                "%(n)s already in the cohort, left as they were",
                "%(n)s already in the cohort, left as they were",
                len(report.skipped),
            )
            % {"n": len(report.skipped)}
        )
    if not parts:
        return _("Nobody was invited: the unit has nobody active in it.")
    return _("Done: %(parts)s.") % {"parts": "; ".join(parts)}


class TrainerView(WagtailAdminTemplateMixin, TemplateView):
    """Trainers and site admins only; others get 403."""

    header_icon = "group"

    def dispatch(self, request, *args, **kwargs):
        if not user_is_trainer(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("cohorts_admin:index"), "label": _("Cohorts")},
        ]


class CohortIndexView(TrainerView):
    template_name = "cohorts/admin/index.html"
    page_title = _("Cohorts")

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": _("Cohorts")}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "").strip()[:100]
        status = self.request.GET.get("status", "")
        if status not in LISTING_STATUSES:
            status = ""
        cohorts = cohorts_listing(user=self.request.user, query=query, status=status)
        page = Paginator(cohorts, PER_PAGE).get_page(self.request.GET.get("p"))
        context.update(
            {
                "page": page,
                "query": query,
                "status": status,
                "statuses": [(value, Cohort.Status(value).label) for value in LISTING_STATUSES],
                "now": timezone.now(),
                "filtered": bool(query or status),
                "filter_query": urlencode(
                    {name: value for name, value in (("q", query), ("status", status)) if value}
                ),
            }
        )
        return context


class CohortMixin:
    """Views about one cohort the viewer runs (404 otherwise)."""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.cohort_pk = kwargs["pk"]

    @cached_property
    def cohort(self) -> Cohort:
        return get_object_or_404(cohorts_for_trainer(user=self.request.user), pk=self.cohort_pk)

    def get_page_subtitle(self):
        return self.cohort.name

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {"url": reverse("cohorts_admin:detail", args=[self.cohort.pk]), "label": self.cohort},
            {"url": "", "label": self.get_page_title()},
        ]

    def roster_url(self) -> str:
        return reverse("cohorts_admin:detail", args=[self.cohort.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["cohort"] = self.cohort
        context["cohort_tz"] = zone_or_utc(self.cohort.time_zone)
        return context


class CohortDetailView(CohortMixin, TrainerView):
    """The cohort at a glance: its sessions (with attendance) and its roster."""

    template_name = "cohorts/admin/detail.html"

    def get_page_title(self):
        return self.cohort.name

    def get_page_subtitle(self):
        return ""

    def get_breadcrumbs_items(self):
        return [*TrainerView.get_breadcrumbs_items(self), {"url": "", "label": self.cohort}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        roster = cohort_roster(cohort=self.cohort, now=now)
        context.update(
            {
                "now": now,
                "roster": roster,
                "can_change": self.cohort.status
                not in (Cohort.Status.CANCELLED, Cohort.Status.FINISHED),
                "attendance_from": now + ATTENDANCE_EARLY,
                "admin_links": COHORT_ADMIN_LINKS.collect(request=self.request, cohort=self.cohort),
                "demand": course_demand(course=self.cohort.course, now=now),
            }
        )
        return context


ATTENDANCE_EARLY = timezone.timedelta(minutes=30)


class CohortFormView(TrainerView):
    """Create a cohort (no ``pk``) or edit one, with its sessions inline."""

    template_name = "cohorts/admin/form.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.cohort_pk = kwargs.get("pk")

    @cached_property
    def cohort(self) -> Cohort | None:
        if self.cohort_pk is None:
            return None
        return get_object_or_404(cohorts_for_trainer(user=self.request.user), pk=self.cohort_pk)

    def get_page_title(self):
        return _("Edit cohort") if self.cohort else _("New cohort")

    def get_page_subtitle(self):
        return self.cohort.name if self.cohort else ""

    def get_breadcrumbs_items(self):
        items = super().get_breadcrumbs_items()
        if self.cohort:
            items.append(
                {
                    "url": reverse("cohorts_admin:detail", args=[self.cohort.pk]),
                    "label": self.cohort,
                }
            )
        return [*items, {"url": "", "label": self.get_page_title()}]

    def _sessions(self) -> list[Session]:
        if self.cohort is None:
            return []
        return list(self.cohort.sessions.prefetch_related("lessons").order_by("starts_at", "pk"))

    def _lesson_choices(self):
        """The cohort's course lessons; for a new cohort every course's, named by course."""
        if self.cohort is not None:
            return LessonPage.objects.child_of(self.cohort.course).order_by("path"), None
        course_title = course_titles_by_lesson_path()
        return (
            LessonPage.objects.order_by("path"),
            lambda lesson: f"{course_title(lesson.path) or '?'}: {lesson.title}",
        )

    def _forms(self, data=None):
        sessions = self._sessions()
        initial = None
        if self.cohort is None:
            user = self.request.user
            initial = {
                "time_zone": zone_or_utc(user.time_zone).key,
                "trainers": [user.pk],
                "capacity": 12,
                "enrollment_mode": Cohort.EnrollmentMode.INVITATION,
            }
            course = self.request.GET.get("course", "")
            if course.isdigit():
                initial["course"] = int(course)
        cohort_form = CohortForm(data, instance=self.cohort or Cohort(), initial=initial)
        # A new cohort's times are typed in the zone chosen beside them. An existing one's
        # are read in the zone they were shown in, so changing the cohort's zone does not
        # move its sessions.
        zone = cohort_form.zone
        if self.cohort is not None:
            zone = zone_named((data or {}).get("schedule_zone") or self.cohort.time_zone)
        lessons, label = self._lesson_choices()
        schedule = ScheduleFormSet(
            data,
            prefix="sessions",
            sessions=sessions,
            initial=[session_initial(session) for session in sessions] or None,
            form_kwargs={"zone": zone, "lessons": lessons, "lesson_label": label},
        )
        schedule.zone = zone
        if self.cohort is None and data is None:
            schedule.extra = 3
        return cohort_form, schedule

    def get(self, request, *args, **kwargs):
        if self.cohort is not None and self.cohort.cancelled_at is not None:
            messages.error(request, _("This cohort is cancelled: it can no longer change."))
            return redirect("cohorts_admin:detail", pk=self.cohort.pk)
        cohort_form, schedule = self._forms()
        return self.render_to_response(self.get_context_data(form=cohort_form, schedule=schedule))

    def post(self, request, *args, **kwargs):
        cohort_form, schedule = self._forms(request.POST)
        if cohort_form.is_valid() and schedule.is_valid():
            changes, rows = schedule.changes()
            try:
                cohort = cohort_save(
                    cohort=self.cohort,
                    by=request.user,
                    data=cohort_form.service_data(),
                    trainers=cohort_form.cleaned_data["trainers"],
                    allowed_units=cohort_form.cleaned_data["allowed_units"],
                    changes=changes,
                )
            except ScheduleRowError as error:
                rows[error.row].add_error(None, error)
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    cohort_form.add_error(None, error)
                else:
                    cohort_form.add_error(None, error.messages)
            except PermissionDenied as error:
                messages.error(request, error_text(error))
            else:
                messages.success(
                    request,
                    _("“%(name)s” saved.") % {"name": cohort.name},
                )
                if "_continue" in request.POST:
                    return redirect("cohorts_admin:edit", pk=cohort.pk)
                return redirect("cohorts_admin:detail", pk=cohort.pk)
        messages.error(request, _("The cohort could not be saved: see the errors below."))
        return self.render_to_response(self.get_context_data(form=cohort_form, schedule=schedule))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["cohort"] = self.cohort
        context["zone_name"] = kwargs["schedule"].zone.key
        return context


class InviteView(CohortMixin, TrainerView):
    """Invite one person, a whole unit, or a CSV of addresses."""

    template_name = "cohorts/admin/invite.html"
    page_title = _("Invite people")
    FORMS = {"person": InvitePersonForm, "unit": InviteUnitForm, "csv": InviteCsvForm}

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        which = request.POST.get("invite")
        if which not in self.FORMS:
            messages.error(request, _("Choose how to invite people."))
            return self.render_to_response(self.get_context_data())
        form = self.FORMS[which](request.POST, request.FILES, prefix=which)
        csv_errors: list[str] = []
        if form.is_valid():
            try:
                if which == "csv":
                    outcome = enrollment_invite_csv(
                        cohort=self.cohort, file=form.cleaned_data["file"], by=request.user
                    )
                    csv_errors = outcome.errors
                    report = outcome.done
                else:
                    people = (
                        [form.person]
                        if which == "person"
                        else users_in_unit(unit=form.cleaned_data["unit"])
                    )
                    report = enrollment_invite(cohort=self.cohort, users=people, by=request.user)
            except (PermissionDenied, ValidationError) as error:
                form.add_error(None, error_text(error))
            else:
                if report is not None:
                    messages.success(request, invite_summary(report))
                    return redirect(self.roster_url())
        return self.render_to_response(
            self.get_context_data(**{f"{which}_form": form, "csv_errors": csv_errors})
        )

    def get_context_data(self, **kwargs):
        for name, form_class in self.FORMS.items():
            kwargs.setdefault(f"{name}_form", form_class(prefix=name))
        context = super().get_context_data(**kwargs)
        context["is_draft"] = not self.cohort.is_published
        return context


class AttendanceView(CohortMixin, TrainerView):
    """Take (or correct) attendance for one session, for everyone holding a place."""

    template_name = "cohorts/admin/attendance.html"
    page_title = _("Attendance")

    @cached_property
    def session(self) -> Session:
        return get_object_or_404(
            Session.objects.filter(cohort=self.cohort), pk=self.kwargs["session_pk"]
        )

    def get_page_subtitle(self):
        return _("Session %(number)s: %(title)s") % {
            "number": self.session.number,
            "title": self.session.title,
        }

    def _form(self, data=None) -> AttendanceForm:
        enrollments, recorded = session_attendance(session=self.session)
        fill = data.get("fill", "") if data is not None else ""
        return AttendanceForm(data, enrollments=enrollments, recorded=recorded, fill=fill)

    def _too_early(self) -> bool:
        return self.session.starts_at > timezone.now() + ATTENDANCE_EARLY

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self._form()))

    def post(self, request, *args, **kwargs):
        form = self._form(request.POST)
        if self._too_early():
            form.is_valid()
            form.add_error(None, _("This session has not started yet: take attendance then."))
        elif form.is_valid():
            try:
                marked = attendance_record_many(
                    session=self.session, marks=form.marked(), by=request.user
                )
            except (PermissionDenied, ValidationError) as error:
                form.add_error(None, error_text(error))
            else:
                messages.success(
                    request,
                    ngettext(
                        "Attendance saved for %(n)s person.",
                        "Attendance saved for %(n)s people.",
                        marked,
                    )
                    % {"n": marked},
                )
                return redirect(self.roster_url())
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {"session": self.session, "too_early": self._too_early(), "statuses": Attendance.Status}
        )
        return context


class EnrollmentMixin(CohortMixin):
    @cached_property
    def enrollment(self) -> Enrollment:
        return get_object_or_404(
            Enrollment.objects.filter(cohort=self.cohort).select_related("user", "user__unit"),
            pk=self.kwargs["enrollment_pk"],
        )


class WithdrawView(EnrollmentMixin, TrainerView):
    """Take someone out of the cohort, after a confirmation."""

    template_name = "cohorts/admin/withdraw.html"
    page_title = _("Withdraw")

    def get(self, request, *args, **kwargs):
        if self.enrollment.status not in (
            Enrollment.Status.INVITED,
            Enrollment.Status.ENROLLED,
            Enrollment.Status.WAITLISTED,
        ):
            messages.error(request, _("This person is no longer in the cohort."))
            return redirect(self.roster_url())
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        person = self.enrollment.user
        try:
            enrollment_withdraw(enrollment=self.enrollment, by=request.user)
        except (PermissionDenied, ValidationError) as error:
            messages.error(request, error_text(error))
        else:
            messages.success(
                request,
                _("%(person)s was withdrawn from the cohort.")
                % {"person": person.get_full_name() or person.email},
            )
        return redirect(self.roster_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["enrollment"] = self.enrollment
        context["frees_a_place"] = self.enrollment.status in Enrollment.HOLDS_A_PLACE
        return context


class PromoteView(EnrollmentMixin, TrainerView):
    """Give someone on the waitlist a free place, out of turn (POST only)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        person = self.enrollment.user
        try:
            enrollment_promote(enrollment=self.enrollment, by=request.user)
        except (PermissionDenied, ValidationError) as error:
            messages.error(request, error_text(error))
        else:
            messages.success(
                request,
                _("%(person)s now has a place and is told by e-mail.")
                % {"person": person.get_full_name() or person.email},
            )
        return redirect(self.roster_url())


class CancelView(CohortMixin, TrainerView):
    """Cancel the cohort and tell everyone in it, after a confirmation with a reason."""

    template_name = "cohorts/admin/cancel.html"
    page_title = _("Cancel cohort")

    def _told(self) -> int:
        return self.cohort.enrollments.filter(
            status__in=(
                Enrollment.Status.INVITED,
                Enrollment.Status.ENROLLED,
                Enrollment.Status.WAITLISTED,
            )
        ).count()

    def get(self, request, *args, **kwargs):
        if self.cohort.cancelled_at is not None:
            messages.error(request, _("This cohort is already cancelled."))
            return redirect(self.roster_url())
        return self.render_to_response(self.get_context_data(form=CancelForm()))

    def post(self, request, *args, **kwargs):
        form = CancelForm(request.POST)
        if form.is_valid():
            try:
                told = self._told()
                cohort_cancel(
                    cohort=self.cohort, by=request.user, reason=form.cleaned_data["reason"]
                )
            except (PermissionDenied, ValidationError) as error:
                form.add_error(None, error_text(error))
            else:
                messages.success(
                    request,
                    ngettext(
                        "The cohort is cancelled; %(n)s person is told by e-mail.",
                        "The cohort is cancelled; %(n)s people are told by e-mail.",
                        told,
                    )
                    % {"n": told},
                )
                return redirect(self.roster_url())
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["told"] = self._told()
        return context


class TrainersMenuItem(MenuItem):
    def is_shown(self, request):
        return user_is_trainer(request.user)
