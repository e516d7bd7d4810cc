"""The policy page's admin form: every edit starts as an editorial fix."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm


class PolicyPageForm(WagtailAdminPageForm):
    """Starts every edit with "this change is material" unticked and "what changed" empty,
    so that a new version starts only when the editor says so this time; asks for "what
    changed" when the change is material. The questions are checked by
    :meth:`cms.models.PolicyQuestion.clean`, whose errors show on each question's form."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["material_change"] = False
            self.initial["change_note"] = ""

    def clean(self):
        cleaned_data = super().clean()
        material = cleaned_data.get("material_change")
        note = (cleaned_data.get("change_note") or "").strip()
        if material and not note:
            self.add_error(
                "change_note",
                _(
                    "Say in a sentence what changed: people asked to acknowledge the new "
                    "version read this first."
                ),
            )
        elif note and not material and "material_change" in self.fields:
            self.add_error(
                "change_note",
                _(
                    "Tick “this change is material” to start a new version with this note, "
                    "or empty this box for a wording fix."
                ),
            )
        return cleaned_data
