"""A site admin's correction of someone's level, in the Wagtail admin (/admin/competencies/
correct/). The ledger keeps everything; the correction is a new row (see
``services.evidence_correct``)."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from people import roles

from .levels import Level
from .models import Competency, CompetencyStanding
from .services import evidence_correct


class CorrectionForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Person's e-mail address"))
    competency = forms.ModelChoiceField(
        queryset=Competency.objects.order_by("sort_order", "name"),
        label=gettext_lazy("Competency"),
    )
    level = forms.TypedChoiceField(
        choices=Level.choices, coerce=int, label=gettext_lazy("Correct level")
    )
    note = forms.CharField(
        label=gettext_lazy("Why"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text=gettext_lazy("Kept in the person's record with your name."),
    )

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            raise forms.ValidationError(_("Nobody has this e-mail address."))
        self.person = user
        return email


class CorrectionView(WagtailAdminTemplateMixin, FormView):
    """Site admins only; everyone else gets 403."""

    template_name = "competencies/admin/correct.html"
    form_class = CorrectionForm
    page_title = gettext_lazy("Correct a level")
    header_icon = "tasks"

    def dispatch(self, request, *args, **kwargs):
        if not roles.user_is_site_admin(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        person, competency = form.person, form.cleaned_data["competency"]
        before = (
            CompetencyStanding.objects.filter(user=person, competency=competency)
            .values_list("level", flat=True)
            .first()
        )
        evidence_correct(
            user=person,
            competency=competency,
            level=form.cleaned_data["level"],
            by=self.request.user,
            note=form.cleaned_data["note"],
        )
        messages.success(
            self.request,
            _("%(person)s: %(competency)s corrected from %(before)s to %(after)s.")
            % {
                "person": person.get_full_name() or person.email,
                "competency": competency.name,
                "before": Level(before or 0).label,
                "after": Level(form.cleaned_data["level"]).label,
            },
        )
        return redirect("competencies_admin_correct")


class SiteAdminMenuItem(MenuItem):
    def is_shown(self, request):
        return roles.user_is_site_admin(request.user)
