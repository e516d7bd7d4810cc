"""A site admin imports staff from a CSV file in the Wagtail admin (/admin/people/import/):
the same all-or-nothing import as ``manage.py import_people``, with a preview first.

1. Upload: the file is read (at most ``MAX_IMPORT_BYTES``) and checked by
   ``people_import_csv(dry_run=True)``; nothing is written.
2. Preview: who would be created and updated, the units to create, or every problem with its
   line. The file travels on in the confirm form, signed (it cannot be changed on the way)
   and valid for ``PREVIEW_MAX_AGE`` seconds; the server keeps nothing between the steps.
3. Confirm: the import runs for real. Had anything changed meanwhile (someone else's import,
   an edit) so that it would do other than the preview said, nothing is written and the new
   preview is shown instead.

Site admins only (HR and everyone else get 403), as for the user screens.
"""

import base64
import hashlib
import zlib

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import roles
from .services import COLUMNS, REQUIRED_COLUMNS, ImportResult, people_import_csv

MAX_IMPORT_BYTES = 1024 * 1024  # some ten thousand people
PREVIEW_MAX_AGE = 60 * 60
PREVIEW_ROWS = 200  # listed per kind in the preview; the counts are always complete
_SALT = "people.admin_import"


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy("UTF-8 CSV with a header row; at most 1 MB."),
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("This file is %(size)s; the limit is %(limit)s. Split it into smaller files.")
                % {
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(MAX_IMPORT_BYTES),
                }
            )
        data = upload.read(MAX_IMPORT_BYTES + 1)
        if len(data) > MAX_IMPORT_BYTES:  # a size that lied
            raise forms.ValidationError(_("This file is larger than 1 MB."))
        return data


def plan_fingerprint(result: ImportResult) -> str:
    """A digest of what an import would do, to tell whether it still would."""
    return hashlib.sha256(repr((result.rows, result.units)).encode()).hexdigest()


def preview_token(data: bytes, result: ImportResult) -> str:
    """The file (compressed) and what its preview showed, signed, for the confirm form."""
    packed = base64.b64encode(zlib.compress(data)).decode("ascii")
    return signing.dumps({"file": packed, "plan": plan_fingerprint(result)}, salt=_SALT)


def preview_read(token: str) -> tuple[bytes, str] | None:
    """The file a preview showed and its plan's digest, or None when the token is forged,
    broken or too old."""
    try:
        signed = signing.loads(token, salt=_SALT, max_age=PREVIEW_MAX_AGE)
        packed = base64.b64decode(signed["file"])
        data = zlib.decompressobj().decompress(packed, MAX_IMPORT_BYTES + 1)
        plan = str(signed["plan"])
    except (signing.BadSignature, ValueError, TypeError, KeyError, zlib.error):
        return None
    return (data, plan) if len(data) <= MAX_IMPORT_BYTES else None


class PeopleImportView(WagtailAdminTemplateMixin, TemplateView):
    """Upload, preview, confirm. Site admins only; everyone else gets 403."""

    template_name = "people/admin/import.html"
    page_title = gettext_lazy("Import people")
    header_icon = "group"

    def dispatch(self, request, *args, **kwargs):
        if not roles.user_is_site_admin(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=ImportUploadForm()))

    def post(self, request, *args, **kwargs):
        if request.POST.get("step") == "confirm":
            return self._confirm(request)
        form = ImportUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        data = form.cleaned_data["file"]
        return self._preview(
            form=form, data=data, result=people_import_csv(file=data, dry_run=True)
        )

    def _preview(self, *, form, data: bytes, result: ImportResult, note: str = ""):
        context = self.get_context_data(form=form, result=result, note=note)
        if result.ok:
            context["token"] = preview_token(data, result)
        return self.render_to_response(context)

    def _confirm(self, request):
        form = ImportUploadForm()
        previewed = preview_read(request.POST.get("token", ""))
        if previewed is None:
            refused = _("This preview has expired or was changed. Upload the file again.")
            return self.render_to_response(self.get_context_data(form=form, refused=refused))
        data, plan_seen = previewed
        with transaction.atomic():
            # The plan is checked and written in one transaction: what is written is what
            # the person just saw, or nothing.
            plan = people_import_csv(file=data, dry_run=True)
            if not plan.ok or plan_seen != plan_fingerprint(plan):
                note = _(
                    "Something changed since the preview, so nothing was imported. Here is the "
                    "file again as it would import now."
                )
                return self._preview(form=form, data=data, result=plan, note=note)
            result = people_import_csv(file=data)
        messages.success(
            request,
            _(
                "Imported: %(created)d created, %(updated)d updated, %(unchanged)d unchanged; "
                "%(units)d units created."
            )
            % {
                "created": result.people_created,
                "updated": result.people_updated,
                "unchanged": result.people_unchanged,
                "units": result.units_created,
            },
        )
        return redirect("people_admin_import")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        result = kwargs.get("result")
        if result is not None:
            creates = [row for row in result.rows if row.action == "create"]
            updates = [row for row in result.rows if row.action == "update"]
            context.update(
                {
                    "creates": creates[:PREVIEW_ROWS],
                    "updates": updates[:PREVIEW_ROWS],
                    "more_creates": max(0, len(creates) - PREVIEW_ROWS),
                    "more_updates": max(0, len(updates) - PREVIEW_ROWS),
                }
            )
        context.update(
            {
                "required_columns": REQUIRED_COLUMNS,
                "optional_columns": [c for c in COLUMNS if c not in REQUIRED_COLUMNS],
                "preview_minutes": PREVIEW_MAX_AGE // 60,
            }
        )
        return context
