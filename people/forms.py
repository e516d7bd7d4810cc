from django import forms
from django.utils.translation import gettext_lazy as _

from .adapters import allowed_email_domains, allowed_email_domains_display
from .models import User, time_zone_choices


class SignupForm(forms.Form):
    """Extra fields on allauth's sign-up form: the name people are greeted with.

    allauth builds its own sign-up form on top of this class, so the e-mail and password
    fields exist once ``__init__`` has run. The form also tells the page which e-mail
    domains may sign up (``allowed_email_domains``), so the page can say it up front.
    """

    first_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )

    field_order = ["first_name", "last_name", "email", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        email = self.fields.get("email")
        if email is not None and self.allowed_email_domains:
            email.help_text = _("Use your work address, ending in %(domains)s.") % {
                "domains": self.allowed_email_domains_display
            }

    @property
    def allowed_email_domains(self) -> list[str]:
        return allowed_email_domains()

    @property
    def allowed_email_domains_display(self) -> str:
        return allowed_email_domains_display()

    def signup(self, request, user: User) -> None:
        user.first_name = self.cleaned_data["first_name"].strip()
        user.last_name = self.cleaned_data["last_name"].strip()
        user.save(update_fields=["first_name", "last_name"])


class ProfileForm(forms.ModelForm):
    """What a person may change about themselves. Unit, role and manager are HR's."""

    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)

    class Meta:
        model = User
        fields = ["first_name", "last_name", "time_zone"]
        labels = {"first_name": _("First name"), "last_name": _("Last name")}
        help_texts = {"time_zone": _("Session times are shown to you in this time zone.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The model lets HR's import leave it blank; a person editing themselves gives it,
        # and the label says so (no "optional" next to a field that is then required).
        first_name = self.fields["first_name"]
        first_name.required = True
        first_name.error_messages["required"] = _("Please tell us your first name.")

    def clean_first_name(self):
        value = self.cleaned_data["first_name"].strip()
        if not value:
            raise forms.ValidationError(_("Please tell us your first name."))
        return value
