"""Certificates anyone with the link can check, and each person's own list.

The public addresses carry a random token, never an id; a hidden credential answers 404 at
all of them, exactly like one that does not exist.
"""

import json
from http import HTTPStatus
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from competencies.models import Competency

from . import keys, ob3, selectors, services
from .models import Credential

JSON_MEDIA_TYPE = "application/json"


def _public_or_404(token: str) -> Credential:
    credential = selectors.credential_public(token=token)
    if credential is None:
        raise Http404
    return credential


def _download(body: str, *, media_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=media_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"  # verifiers fetch from anywhere
    return response


def linkedin_add_url(*, credential: Credential, certificate_url: str) -> str:
    """LinkedIn's "Add to profile" address for a certification."""
    query = urlencode(
        {
            "startTask": "CERTIFICATION_NAME",
            "name": credential.name,
            "organizationName": credential.issuer_name,
            "issueYear": credential.issued_at.year,
            "issueMonth": credential.issued_at.month,
            "certUrl": certificate_url,
            "certId": str(credential.uuid),
        },
        quote_via=quote,
    )
    return f"https://www.linkedin.com/profile/add?{query}"


@require_GET
def certificate(request, token: str):
    """The certificate: who achieved what, when, on what criteria, and how to check it."""
    credential = _public_or_404(token)
    url = ob3.absolute(reverse("credentials:certificate", args=[token]))
    shares = []
    if not credential.is_revoked:
        text = _("%(name)s, issued by %(issuer)s") % {
            "name": credential.name,
            "issuer": credential.issuer_name,
        }
        shares = [
            {"platform": platform, "url": platform.share_url(url=url, text=text)}
            for platform in selectors.share_platforms()
        ]
    return render(
        request,
        "credentials/certificate.html",
        {
            "credential": credential,
            "certificate_url": url,
            "linkedin_add_url": linkedin_add_url(credential=credential, certificate_url=url),
            "shares": shares,
            "is_owner": request.user.is_authenticated and request.user.pk == credential.user_id,
        },
    )


@require_GET
def credential_json(request, token: str):
    """The Open Badges 3.0 credential, as issued."""
    credential = _public_or_404(token)
    return _download(
        json.dumps(credential.document, indent=2, ensure_ascii=False),
        media_type=JSON_MEDIA_TYPE,
        filename=f"credential-{credential.uuid}.json",
    )


@require_GET
def credential_jwt(request, token: str):
    """The same credential secured as a VC-JWT."""
    credential = _public_or_404(token)
    return _download(
        credential.jwt,
        media_type=ob3.JWT_MEDIA_TYPE,
        filename=f"credential-{credential.uuid}.jwt",
    )


@require_GET
def issuer(request):
    """The issuer profile, with every public key that ever signed (a JWKS)."""
    profile = ob3.issuer_profile(name=services.issuer_name(), jwks=keys.published_jwks())
    response = JsonResponse(profile, json_dumps_params={"indent": 2})
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _status_document(number: int) -> dict:
    if not selectors.status_list_exists(number=number):
        raise Http404
    return ob3.status_list_document(
        number=number,
        revoked_indexes=selectors.revoked_indexes(number=number),
        now=timezone.now(),
    )


@require_GET
def status_list(request, number: int):
    """The revocation list as a signed ``BitstringStatusListCredential`` (a VC-JWT)."""
    document = _status_document(number)
    try:
        key, private = keys.current_key()
    except keys.NoSigningKey:
        return HttpResponse(
            _("The status list cannot be signed right now; its JSON form is at %(url)s.")
            % {"url": reverse("credentials:status_list_json", args=[number])},
            status=HTTPStatus.SERVICE_UNAVAILABLE,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(
        ob3.sign(document=document, key=key, private=private), content_type=ob3.JWT_MEDIA_TYPE
    )
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "max-age=300"
    return response


@require_GET
def status_list_json(request, number: int):
    """The same status list, unsigned, for people and tools that read JSON."""
    response = JsonResponse(_status_document(number), json_dumps_params={"indent": 2})
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "max-age=300"
    return response


@require_GET
def achievement(request, slug: str):
    """An achievement's id, resolved to where it is described."""
    if slug.startswith("roster-"):
        return redirect("advocacy:me")
    if slug.startswith("competency-"):
        rest = slug.removeprefix("competency-")
        competency_slug = rest.rsplit("-", 1)[0]
        competency = get_object_or_404(Competency, slug=competency_slug)
        return redirect(services.competency_url(competency))
    raise Http404


@login_required
@require_GET
def mine(request):
    """The signed-in person's credentials, with a switch to hide or show each."""
    return render(
        request,
        "credentials/mine.html",
        {"credentials": list(selectors.credentials_for_user(user=request.user))},
    )


@login_required
@require_POST
def toggle_hidden(request, token: str):
    """Hide or show one of one's own credentials; anyone else's answers 404."""
    credential = get_object_or_404(Credential, token=token, user=request.user)
    hidden = request.POST.get("hidden") == "1"
    services.credential_set_hidden(credential=credential, by=request.user, hidden=hidden)
    if hidden:
        messages.success(
            request,
            _("“%(name)s” is hidden: its page answers “not found”.") % {"name": credential.name},
        )
    else:
        messages.success(request, _("“%(name)s” is visible again.") % {"name": credential.name})
    return redirect("credentials:mine")
