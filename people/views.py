from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import error_text
from core.responses import private_file_response, private_response

from .forms import ProfileForm
from .models import PersonalDataExport
from .privacy import (
    ExportRateLimited,
    LinkExpired,
    personal_data_download_path,
    personal_data_export_from_token,
    personal_data_export_request,
)

EXPORTS_SHOWN = 5


def _profile_page(request, form, *, status=HTTPStatus.OK):
    now = timezone.now()
    exports = [
        (export, personal_data_download_path(export) if _downloadable(export, now) else "")
        for export in PersonalDataExport.objects.filter(owner=request.user)[:EXPORTS_SHOWN]
    ]
    response = render(
        request,
        "people/profile.html",
        {"form": form, "exports": exports, "now": now},
        status=status,
    )
    return private_response(response)


def _downloadable(export: PersonalDataExport, now) -> bool:
    return export.status == PersonalDataExport.Status.DONE and not export.is_expired(now)


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request):
    """A person's own name and time zone, and the copies of their data they asked for."""
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile is saved."))
        return redirect("people:profile")
    return _profile_page(request, form)


@login_required
@require_POST
def personal_data_request(request):
    """Ask for a copy of everything Spoke holds about oneself (built in the background,
    e-mailed when ready); a few a day at most (429 beyond)."""
    try:
        personal_data_export_request(user=request.user, now=timezone.now())
    except ExportRateLimited as error:
        messages.error(request, error_text(error))
        form = ProfileForm(instance=request.user)
        return _profile_page(request, form, status=HTTPStatus.TOO_MANY_REQUESTS)
    messages.success(
        request, _("Your copy is being prepared. We will e-mail you a link when it is ready.")
    )
    return redirect("people:profile")


@login_required
@require_GET
def personal_data_download(request, token: str):
    """The ZIP, to its owner only, signed in, through a signed link, until it expires.
    Another person's link, or a tampered one: 404. An expired one: 410."""
    try:
        export = personal_data_export_from_token(token=token, user=request.user)
    except LinkExpired:
        export = None
        expired = True
    else:
        if export is None:
            raise Http404(_("There is no such file."))
        expired = export.is_expired(timezone.now())
    if expired or (export.status == PersonalDataExport.Status.DONE and not export.file):
        response = render(request, "people/personal_data_gone.html", status=HTTPStatus.GONE)
        return private_response(response)
    if export.status != PersonalDataExport.Status.DONE:
        return redirect("people:profile")
    return private_file_response(
        export.file,
        content_type="application/zip",
        filename=f"spoke-data-{export.created_at:%Y-%m-%d}.zip",
        as_attachment=True,
        not_found=_("This file is no longer kept."),
    )
