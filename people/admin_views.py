"""A site admin's erasure of a person, in the Wagtail admin (/admin/people/<id>/erase/):
a confirmation page that says what goes and what stays; the POST erases."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.widgets.button import Button

from core.errors import error_text

from . import roles
from .models import User
from .privacy import ErasureRefused, person_erase, person_erasure_check


class PersonEraseView(TemplateView):
    """Site admins only (403 for everyone else); a site admin or an erased person is shown
    why they cannot be erased, and a POST changes nothing."""

    template_name = "people/admin/person_erase.html"

    def dispatch(self, request, *args, **kwargs):
        if not roles.user_is_site_admin(request.user):
            raise PermissionDenied
        self.person = get_object_or_404(User, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        refused = ""
        try:
            person_erasure_check(person=self.person)
        except ErasureRefused as error:
            refused = error_text(error)
        return super().get_context_data(
            person=self.person,
            refused=refused,
            page_title=_("Erase a person"),
            header_icon="warning",
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        try:
            result = person_erase(person=self.person, by=request.user, now=timezone.now())
        except ErasureRefused as error:
            messages.error(request, error_text(error))
            return redirect("people_admin_erase", pk=self.person.pk)
        messages.success(
            request,
            _("Erased: the person is now “%(pseudonym)s” (reference %(reference)s).")
            % {"pseudonym": result.pseudonym, "reference": result.reference},
        )
        return redirect("wagtailusers_users:index")


def erase_button(*, user, request_user):
    """The "Erase" entry in the user listing's "More" menu, for site admins."""
    if not roles.user_is_site_admin(request_user) or user.is_superuser or user.erased_at:
        return []
    return [
        Button(
            gettext_lazy("Erase"),
            reverse("people_admin_erase", args=[user.pk]),
            icon_name="warning",
            priority=90,
        )
    ]
