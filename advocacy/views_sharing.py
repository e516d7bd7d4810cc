"""The sharing kit (see ``advocacy.sharing``): advocates' kit at /roster/share/, the hub's
counts at /roster/sharing/, and the tracked redirect /s/<code>/ (anyone, no login)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from core.responses import private_response

from .sharing import (
    hub_counts,
    kit_for,
    share_follow,
    sharing_choice,
    sharing_choice_set,
    user_is_advocate,
    user_may_run_kit,
)


@login_required
@require_GET
def kit(request):
    """The live posts with this advocate's links; people not on the roster are told why."""
    if not user_is_advocate(request.user):
        response = render(request, "advocacy/share_kit.html", {"advocate": False}, status=403)
        return private_response(response)
    items = kit_for(
        user=request.user, now=timezone.now(), base_url=request.build_absolute_uri("/")[:-1]
    )
    context = {"advocate": True, "items": items, "show_name": sharing_choice(request.user)}
    return private_response(render(request, "advocacy/share_kit.html", context))


@login_required
@require_POST
def kit_name(request):
    """An advocate chooses whether the hub sees their name beside their clicks."""
    if not user_is_advocate(request.user):
        raise Http404
    show = request.POST.get("show_name") == "1"
    sharing_choice_set(user=request.user, show_name=show)
    messages.success(
        request,
        _("The hub now sees your name with your clicks.")
        if show
        else _("The hub sees your clicks only in the counts per post and unit."),
    )
    return redirect("advocacy:share_kit")


@login_required
@require_GET
def hub(request):
    """Clicks per post and per unit, for HR, advocacy leads and site admins."""
    if not user_may_run_kit(request.user):
        raise PermissionDenied
    return private_response(render(request, "advocacy/share_hub.html", {"rows": hub_counts()}))


@never_cache
@require_GET
def follow(request, code: str):
    """Count the click and send the reader on to the post's own link (302)."""
    target = share_follow(
        code=code,
        address=request.META.get("REMOTE_ADDR", ""),
        agent=request.META.get("HTTP_USER_AGENT", ""),
        now=timezone.now(),
    )
    if target is None:
        raise Http404
    return HttpResponseRedirect(target)
