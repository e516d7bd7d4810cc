import logging

import requests
from allauth.account.utils import get_next_redirect_url
from allauth.socialaccount.helpers import render_authentication_error
from allauth.socialaccount.providers.base import AuthProcess
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.saml import views as saml_views
from allauth.socialaccount.providers.saml.utils import get_app_or_404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from lxml.etree import XMLSyntaxError

from .forms import SESSION_EMAIL_KEY, EmailStepForm
from .providers import app_for_email, app_key

logger = logging.getLogger(__name__)

PROVIDER_DOWN = _(
    "Your company's sign-in service is not answering right now. Try again in a few "
    "minutes; if it goes on, tell your IT department."
)


@require_POST
def sign_in_start(request):
    """The log-in page's e-mail step: an address of a single sign-on domain goes to its
    identity provider (with the address as a hint); any other goes on to the password
    step with the address filled in. A bad address shows the step again, as typed."""
    form = EmailStepForm(request.POST)
    next_url = get_next_redirect_url(request) or ""
    if not form.is_valid():
        context = {"email_form": form, "redirect_field_value": next_url}
        return render(request, "people_sso/login_email.html", context, status=400)
    email = form.cleaned_data["email"]
    app = app_for_email(request, email)
    if app is None:
        request.session[SESSION_EMAIL_KEY] = email
        url = reverse("account_login")
        return redirect(f"{url}?{urlencode({'next': next_url})}" if next_url else url)
    provider = app.get_provider(request)
    kwargs = {"next_url": next_url or None}
    try:
        if app.provider == "openid_connect":
            kwargs["auth_params"] = {**provider.get_auth_params(), "login_hint": email}
        return provider.redirect(request, AuthProcess.LOGIN, **kwargs)
    except (requests.RequestException, OAuth2Error, ValueError, KeyError):
        # OpenID Connect reads the provider's configuration first; SAML may fetch metadata.
        logger.warning("identity provider %s did not answer", app_key(app), exc_info=True)
        form.add_error(None, PROVIDER_DOWN)
        context = {"email_form": form, "redirect_field_value": next_url}
        return render(request, "people_sso/login_email.html", context, status=503)


def saml_finish_acs(request, organization_slug: str):
    """allauth's second SAML step. A SAMLResponse that is not XML at all makes
    python3-saml raise instead of report; it gets the same error page as any other
    refused response rather than a server error."""
    try:
        return saml_views.finish_acs(request, organization_slug=organization_slug)
    except (XMLSyntaxError, UnicodeDecodeError):
        provider = get_app_or_404(request, organization_slug).get_provider(request)
        return render_authentication_error(request, provider)
