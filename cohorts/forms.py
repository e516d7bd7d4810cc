"""The trainers' forms: a cohort with its schedule, invitations, attendance, cancellation.

Forms check what was typed and keep it for a second try; the rules about cohorts live in
``cohorts.services``, whose errors the views put back on these forms.
"""

import datetime
import itertools
import zoneinfo

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.validators import validate_single_line
from courses.models import CoursePage, LessonPage
from people import roles
from people.models import BusinessUnit, validate_time_zone

from .models import Attendance, Cohort, Enrollment, Session
from .services import COHORT_FIELDS, SessionChange

LOCAL_INPUT_FORMAT = "%Y-%m-%dT%H:%M"
MAX_CSV_BYTES = 1024 * 1024


def zone_named(name: str | None) -> zoneinfo.ZoneInfo:
    """The zone called ``name``, or the default cohort zone when it is not a real one."""
    try:
        validate_time_zone(name or "")
        return zoneinfo.ZoneInfo(name)
    except (ValidationError, ValueError):
        return zoneinfo.ZoneInfo(Cohort._meta.get_field("time_zone").default)


class ZonedDateTimeField(forms.DateTimeField):
    """A wall-clock time typed in the cohort's time zone (``zone``), stored in UTC."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT_FORMAT)
    zone: zoneinfo.ZoneInfo = zoneinfo.ZoneInfo("UTC")

    def prepare_value(self, value):
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            return value.astimezone(self.zone).replace(tzinfo=None)
        return value

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip()
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            moment = value
        else:
            moment = None
            for candidate in (LOCAL_INPUT_FORMAT, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"):
                try:
                    moment = datetime.datetime.strptime(value, candidate)
                    break
                except (TypeError, ValueError):
                    continue
            if moment is None:
                raise ValidationError(
                    _("Enter a date and time, such as 2026-03-14 09:30."), code="invalid"
                )
        if timezone.is_aware(moment):
            return moment
        # Wall-clock times that do not exist or happen twice (daylight saving) take the
        # first reading, as calendar apps do.
        return moment.replace(tzinfo=self.zone)


class CohortForm(forms.ModelForm):
    """A cohort's own fields; the schedule is a formset beside it."""

    trainers = forms.ModelMultipleChoiceField(
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label=_("Trainers"),
        help_text=_("Everyone ticked runs the cohort and sees it in the admin."),
    )
    allowed_units = forms.ModelMultipleChoiceField(
        queryset=BusinessUnit.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Open to units"),
        help_text=_("Leave all unticked to open it to every unit. Sub-units are included."),
    )

    class Meta:
        model = Cohort
        fields = [*COHORT_FIELDS, "trainers", "allowed_units"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = CoursePage.objects.order_by("title")
        self.fields["trainers"].queryset = (
            get_user_model()
            .objects.filter(is_active=True)
            .filter(Q(groups__name=roles.TRAINER) | Q(is_superuser=True))
            .distinct()
            .order_by("last_name", "first_name", "email")
        )
        self.fields["trainers"].label_from_instance = lambda user: (
            f"{user.get_full_name() or user.email} ({user.email})"
        )
        self.fields["capacity"].widget.attrs.update(min=1)
        self.fields["name"].validators.append(validate_single_line)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The zone session times are typed in: the one chosen on this form."""
        if self.is_bound:
            return zone_named(self.data.get(self.add_prefix("time_zone")))
        return zone_named(self.initial.get("time_zone") or getattr(self.instance, "time_zone", ""))

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in COHORT_FIELDS}


class SessionForm(forms.Form):
    """One session of the schedule, its times typed in the cohort's zone."""

    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label=_("Title"), max_length=160, validators=[validate_single_line])
    starts_at = ZonedDateTimeField(label=_("Starts"))
    ends_at = ZonedDateTimeField(label=_("Ends"))
    place = forms.CharField(
        label=_("Place"), max_length=200, required=False, validators=[validate_single_line]
    )
    video_url = forms.URLField(
        label=_("Video call link"),
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    lessons = forms.ModelMultipleChoiceField(
        label=_("Lessons covered"),
        queryset=LessonPage.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Released to the cohort when this session starts."),
    )

    def __init__(self, *args, zone, lessons, lesson_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["starts_at"].zone = zone
        self.fields["ends_at"].zone = zone
        self.fields["lessons"].queryset = lessons
        if lesson_label is not None:
            self.fields["lessons"].label_from_instance = lesson_label

    def clean(self):
        cleaned = super().clean()
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("A session must end after it starts."))
        return cleaned


class BaseScheduleFormSet(forms.BaseFormSet):
    """The cohort's sessions: existing ones (by ``id``) and new rows, any of them deleted."""

    def __init__(self, *args, sessions=(), **kwargs):
        self.sessions = {session.pk: session for session in sessions}
        super().__init__(*args, **kwargs)

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove this session")

    def clean(self):
        if any(self.errors):
            return
        rows = []
        for form in self.forms:
            if not form.has_changed() and not form.cleaned_data.get("id"):
                continue  # an empty extra row
            if self.can_delete and self._should_delete_form(form):
                continue
            session_id = form.cleaned_data.get("id")
            if session_id and session_id not in self.sessions:
                raise ValidationError(_("A session on this form no longer exists: reload it."))
            rows.append(form)
        rows.sort(key=lambda form: form.cleaned_data["starts_at"])
        for before, after in itertools.pairwise(rows):
            if after.cleaned_data["starts_at"] < before.cleaned_data["ends_at"]:
                after.add_error(
                    "starts_at",
                    _("This overlaps “%(title)s”, which ends later.")
                    % {"title": before.cleaned_data["title"]},
                )

    def changes(self) -> tuple[list[SessionChange], list[forms.Form]]:
        """What the trainer changed, row by row, with the form of each change (errors from
        the services go back on it). Unchanged sessions are left alone."""
        changes, forms_ = [], []
        for form in self.forms:
            session = self.sessions.get(form.cleaned_data.get("id"))
            deleted = self.can_delete and self._should_delete_form(form)
            if deleted:
                if session is not None:
                    changes.append(SessionChange(session=session, delete=True))
                    forms_.append(form)
                continue
            if session is None and not form.has_changed():
                continue
            if session is not None and not form.has_changed():
                continue
            data = {name: form.cleaned_data[name] for name in ("title", "starts_at", "ends_at")}
            data["place"] = form.cleaned_data["place"].strip()
            data["video_url"] = form.cleaned_data["video_url"]
            data["lessons"] = list(form.cleaned_data["lessons"])
            if session is not None:
                data = {
                    name: value
                    for name, value in data.items()
                    if name == "lessons" or value != getattr(session, name)
                }
            changes.append(SessionChange(session=session, data=data))
            forms_.append(form)
        return changes, forms_


ScheduleFormSet = forms.formset_factory(
    SessionForm, formset=BaseScheduleFormSet, extra=1, can_delete=True, max_num=60
)


def session_initial(session: Session) -> dict:
    return {
        "id": session.pk,
        "title": session.title,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "place": session.place,
        "video_url": session.video_url,
        "lessons": [lesson.pk for lesson in session.lessons.all()],
    }


class InvitePersonForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )

    def clean_email(self):
        address = self.cleaned_data["email"].strip()
        person = get_user_model().objects.filter(email__iexact=address, is_active=True).first()
        if person is None:
            raise ValidationError(
                _("Nobody has the address %(address)s.") % {"address": address}, code="unknown"
            )
        self.person = person
        return address


class InviteUnitForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Business unit"),
        queryset=BusinessUnit.objects.order_by("name"),
        help_text=_("Everyone active in the unit and its sub-units is invited."),
    )


class InviteCsvForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file of e-mail addresses"),
        help_text=_("One address per line, in the first column; a header line is allowed."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_CSV_BYTES:
            raise ValidationError(_("The file is larger than 1 MB: split it."), code="too_big")
        return upload


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it cancelled?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Everyone invited, enrolled or waiting receives this in the e-mail."),
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if len(reason) < 10:
            raise ValidationError(_("Say in a sentence why, for the people in the cohort."))
        return reason


class AttendanceForm(forms.Form):
    """One radio group per person holding a place; rows left blank are not recorded, or,
    with ``fill`` (a status: the "mark everyone else present" button), recorded as that."""

    def __init__(self, *args, enrollments, recorded: dict[int, str], fill: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fill = fill if fill in Attendance.Status.values else ""
        self.enrollments = list(enrollments)
        for enrollment in self.enrollments:
            self.fields[self.field_name(enrollment)] = forms.ChoiceField(
                label=enrollment.user.get_full_name() or enrollment.user.email,
                choices=Attendance.Status.choices,
                widget=forms.RadioSelect,
                required=False,
                initial=recorded.get(enrollment.pk),
            )

    @staticmethod
    def field_name(enrollment: Enrollment) -> str:
        return f"person-{enrollment.pk}"

    @property
    def error_anchors(self) -> dict[str, str]:
        """The error summary links each row's error to the row's header (same id)."""
        return {name: name for name in self.fields}

    def rows(self):
        """(enrollment, bound field) for the template."""
        return [(enrollment, self[self.field_name(enrollment)]) for enrollment in self.enrollments]

    def clean(self):
        cleaned = super().clean()
        if self.fill:
            for name in self.fields:
                if name not in self.errors and not cleaned.get(name):
                    cleaned[name] = self.fill
        if self.enrollments and not any(cleaned.get(name) for name in self.fields):
            raise ValidationError(_("Mark at least one person."), code="empty")
        return cleaned

    def marked(self) -> list[tuple[Enrollment, str]]:
        return [
            (enrollment, self.cleaned_data[self.field_name(enrollment)])
            for enrollment in self.enrollments
            if self.cleaned_data.get(self.field_name(enrollment))
        ]
