"""Site admins' screens in the Wagtail admin: erasing a person (/admin/people/<id>/erase/:
a confirmation page that says what goes and what stays; the POST erases), provisioning
tokens (list, revoke) and switching a person off, each change after a confirmation."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import Button

from core.errors import error_text

from . import roles
from .models import ScimToken, User
from .privacy import ErasureRefused, person_erase, person_erasure_check
from .roles import user_is_site_admin
from .scim.services import scim_token_revoke
from .services import deactivate_person

REASON_LIMIT = 200


class SiteAdminView(WagtailAdminTemplateMixin, TemplateView):
    """Site admins only; others get 403."""

    def dispatch(self, request, *args, **kwargs):
        if not user_is_site_admin(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ScimTokenIndexView(SiteAdminView):
    template_name = "people/admin/scim_tokens.html"
    page_title = gettext_lazy("Provisioning tokens")
    header_icon = "key"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tokens"] = ScimToken.objects.order_by("revoked_at", "-created_at")
        return context


class ScimTokenRevokeView(SiteAdminView):
    template_name = "people/admin/scim_token_revoke.html"
    page_title = gettext_lazy("Revoke a provisioning token")
    header_icon = "key"

    def dispatch(self, request, *args, pk: int, **kwargs):
        self.token = get_object_or_404(ScimToken, pk=pk)
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if scim_token_revoke(token=self.token, by=request.user):
            messages.success(
                request,
                _("“%(name)s” is revoked: the identity provider can no longer use it.")
                % {"name": self.token.name},
            )
        else:
            messages.info(request, _("This token was revoked already."))
        return redirect("people_admin:scim_tokens")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "token": self.token}


class DeactivateForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why"),
        max_length=REASON_LIMIT,
        help_text=gettext_lazy("Kept in the roster's history, e.g. “left the company on 3 March”."),
    )


class PersonDeactivateView(SiteAdminView):
    template_name = "people/admin/person_deactivate.html"
    page_title = _("Deactivate a person")
    header_icon = "user"

    def dispatch(self, request, *args, pk: int, **kwargs):
        self.person = get_object_or_404(User, pk=pk)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if not self.person.is_active:
            messages.info(request, _("This person is deactivated already."))
            return redirect("wagtailusers_users:index")
        return self.render_to_response(self.get_context_data(form=DeactivateForm()))

    def post(self, request, *args, **kwargs):
        form = DeactivateForm(request.POST)
        if self.person.pk == request.user.pk:
            form.add_error(None, _("You cannot deactivate yourself."))
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        if deactivate_person(self.person, reason=form.cleaned_data["reason"], by=request.user):
            messages.success(
                request,
                _(
                    "%(person)s is deactivated: they cannot sign in, and their open places are "
                    "withdrawn."
                )
                % {"person": self.person.display_name},
            )
        else:
            messages.info(request, _("This person is deactivated already."))
        return redirect("wagtailusers_users:index")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "person": self.person}


class SiteAdminMenuItem(MenuItem):
    def is_shown(self, request):
        return user_is_site_admin(request.user)


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
