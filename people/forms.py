from django import forms
from django.utils.translation import gettext_lazy as _

from .models import User, time_zone_choices


class SignupForm(forms.Form):
    """Extra fields on allauth's sign-up form: the name people are greeted with."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)

    field_order = ["first_name", "last_name", "email", "password1", "password2"]

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

    def clean_first_name(self):
        value = self.cleaned_data["first_name"].strip()
        if not value:
            raise forms.ValidationError(_("Please tell us your first name."))
        return value
