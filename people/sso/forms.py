from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .providers import normalize_email, sso_apps

# Where the e-mail step leaves the address typed by someone who goes on with a password.
SESSION_EMAIL_KEY = "people_sso_login_email"


class EmailStepForm(forms.Form):
    """The first step of the log-in page: only the address, to find its identity provider."""

    email = forms.EmailField(
        label=_("Work e-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def clean_email(self) -> str:
        return normalize_email(self.cleaned_data["email"])


class LoginForm(AllauthLoginForm):
    """allauth's log-in form, told about single sign-on.

    When identity providers are configured, the page first asks only for the address
    (``email_form``); the password step follows for people of other domains, with their
    address filled in. ``?password=1`` goes straight to the password step (break-glass).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.request
        self.sso_only = settings.SPOKE_SSO_ONLY
        self.email_form = None
        if self.is_bound or request is None:
            return
        remembered = request.session.pop(SESSION_EMAIL_KEY, "") if request.session else ""
        if remembered:
            self.initial["login"] = remembered
            self.fields["login"].initial = remembered
            self.fields["password"].widget.attrs["autofocus"] = True
            return
        if request.GET.get("password") or not sso_apps(request):
            return
        self.email_form = EmailStepForm()
