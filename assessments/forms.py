"""The learner's form for one attempt: a link, a screenshot and a reflection.

The form only parses what was sent; ``services.submission_draft_save`` and
``services.submission_submit`` decide what is acceptable, and their refusals are put on the
fields here (:meth:`SubmissionForm.add_service_errors`) so the page shows them next to what
the person typed.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import evidence


class ScreenshotField(forms.FileField):
    """Hands the upload over as it came: its type, size and pixels are checked by
    ``evidence.screenshot_process`` (through the service), which says what is wrong in
    the same words whatever the form. The file's own name is never used."""

    def to_python(self, data):
        return data or None


class SubmissionForm(forms.Form):
    SAVE = "save"
    SUBMIT = "submit"

    link_url = forms.CharField(
        label=_("Link to your post or profile"),
        required=False,
        strip=False,  # the service trims it; an error shows it back exactly as typed
        widget=forms.URLInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "inputmode": "url"}
        ),
    )
    screenshot = ScreenshotField(
        label=_("Screenshot"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
        help_text=_("A PNG, JPEG or WebP picture of at most 5 MB. Its metadata is removed."),
    )
    remove_screenshot = forms.BooleanField(label=_("Remove this screenshot"), required=False)
    reflection = forms.CharField(
        label=_("Your reflection"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    # Submitting is final, so it is confirmed first: without the tick, "Submit for review"
    # only saves the draft and asks for it (works without JavaScript).
    confirm_final = forms.BooleanField(
        label=_("I have checked my work: once submitted, this attempt is final."),
        required=False,
    )
    # The button pressed: ``submit`` saves and submits; anything else only saves.
    action = forms.CharField(required=False)

    def __init__(self, *args, assignment, **kwargs):
        super().__init__(*args, **kwargs)
        self.assignment = assignment
        help_parts = [
            gettext(
                "Plain text, in your own words: leave an empty line between paragraphs. It "
                "is shown exactly as you write it."
            )
        ]
        if assignment.needs_reflection and assignment.reflection_min_chars:
            help_parts.insert(
                0,
                gettext("At least %(min)s characters.") % {"min": assignment.reflection_min_chars},
            )
        self.fields["reflection"].help_text = " ".join(help_parts)
        if assignment.needs_link:
            self.fields["link_url"].help_text = gettext(
                "The full address, starting with https://, as your browser shows it on the "
                "platform."
            )
        # Browsers with JavaScript say at once that a file is too large (static/js/
        # upload-limit.js), before it is sent; the service says the same otherwise.
        self.fields["screenshot"].widget.attrs.update(
            {
                "data-max-bytes": evidence.MAX_SCREENSHOT_BYTES,
                "data-too-large": evidence.file_too_large_message(),
            }
        )
        for name in ("link_url", "reflection"):
            self.fields[name].widget.attrs["aria-describedby"] = f"id_{name}_helptext"

    @property
    def wants_submit(self) -> bool:
        return self.cleaned_data.get("action") == self.SUBMIT

    @property
    def submit_confirmed(self) -> bool:
        return self.wants_submit and bool(self.cleaned_data.get("confirm_final"))

    def add_confirm_error(self) -> None:
        self.add_error(
            "confirm_final",
            gettext(
                "Tick this box to submit: once submitted, an attempt is final. Your draft is "
                "saved meanwhile."
            ),
        )

    def add_service_errors(self, error: ValidationError) -> None:
        """Put a service's refusal on the fields it names (the rest on the form). When the
        screenshot sent with this request was refused, say to choose it again: a browser
        cannot keep a chosen file across pages."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, errors in error.message_dict.items():
            name = field if field in self.fields else None
            for message in errors:
                self.add_error(name, message)
        if "screenshot" in error.error_dict and self.files.get("screenshot"):
            self.add_error(
                "screenshot",
                gettext("Choose the file again (or another one) before saving."),
            )
