"""Plan B call-outs, under /plan-b/ (see ``urls_planb`` and ``advocacy.callouts``).

- The hub (HR, advocacy leads, site admins) opens a call-out, watches who answers (the
  page polls a small fragment, ``live``) and closes it.
- A person called sees the brief and answers on the page, or from the e-mail's signed link
  (a confirmation page; the answer is a POST).

Everyone else: a call-out they were not called in is a 404; the hub's pages are a 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import error_text
from core.responses import private_response

from .callouts import (
    callout_answer,
    callout_board,
    callout_close,
    callout_get,
    callout_open,
    callout_responder_from_token,
    callout_unit_choices,
    callouts_for_hub,
    callouts_for_person,
    user_may_call_out,
)
from .forms import CallOutAnswerForm, CallOutForm
from .models import CallOut, CallOutResponder

POLL_SECONDS = 10  # how often the call-out page asks for fresh answers
CLOSED_PER_PAGE = 25
MAX_OPEN = 100  # a bound for the page, far above any real day


def _hub_only(request) -> None:
    if not user_may_call_out(request.user):
        raise PermissionDenied


def _call_out_or_404(pk: int) -> CallOut:
    call_out = callout_get(pk)
    if call_out is None:
        raise Http404(_("No call-out found."))
    return call_out


def _own_responder(request, pk: int) -> CallOutResponder | None:
    return (
        CallOutResponder.objects.select_related("call_out", "called_for__unit")
        .filter(call_out_id=pk, user=request.user)
        .first()
    )


@login_required
@require_GET
def callout_list(request):
    """The hub's call-outs: every open one on top of each page, then the closed ones a page
    at a time (``?p=``; a page that is not a number is the first, one past the end the
    last); or the ones the person was called in."""
    if user_may_call_out(request.user):
        # Open call-outs are few and urgent: all of them, whatever the page.
        open_now = list(callouts_for_hub(is_open=True)[:MAX_OPEN])
        closed = Paginator(callouts_for_hub(is_open=False), CLOSED_PER_PAGE).get_page(
            request.GET.get("p")
        )
        return private_response(
            render(
                request,
                "advocacy/planb/list.html",
                {"open": open_now, "closed": closed.object_list, "page": closed},
            )
        )
    return private_response(
        render(
            request,
            "advocacy/planb/mine.html",
            {"called": list(callouts_for_person(user=request.user)[:50])},
        )
    )


@login_required
@require_http_methods(["GET", "POST"])
def callout_new(request):
    """Open a call-out. Each unit is listed with its ready people, so a unit with nobody
    ready is seen (and named again) before anything is sent."""
    _hub_only(request)
    choices = callout_unit_choices()
    form = CallOutForm(request.POST or None, choices=choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            call_out = callout_open(
                by=request.user,
                units=data["unit_objects"],
                title=data["title"],
                brief=data["brief"],
                channels=data["channels"],
                holding_statement=data["holding_statement"],
                playbook_url=data["playbook_url"],
                is_drill=data["is_drill"],
                wanted=data["wanted"],
                escalate_after=data["escalate_after"],
            )
        except ValidationError as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(
                request,
                _("Drill opened: people are being called.")
                if call_out.is_drill
                else _("Call-out opened: people are being called."),
            )
            return redirect("planb:detail", pk=call_out.pk)
    return private_response(
        render(
            request,
            "advocacy/planb/new.html",
            {"form": form, "nobody_ready": not any(choice.ready for choice in choices)},
        )
    )


def _board_context(call_out: CallOut) -> dict:
    return {"call_out": call_out, "board": callout_board(call_out=call_out)}


@login_required
@require_GET
def callout_detail(request, pk: int):
    """The hub: the brief and, live, who answered what per unit. A person called: the
    brief and their answer."""
    if user_may_call_out(request.user):
        call_out = _call_out_or_404(pk)
        context = _board_context(call_out) | {"poll_seconds": POLL_SECONDS}
        return private_response(render(request, "advocacy/planb/detail.html", context))
    responder = _own_responder(request, pk)
    if responder is None:
        raise Http404(_("No call-out found."))
    return private_response(
        render(
            request,
            "advocacy/planb/answer.html",
            {
                "call_out": responder.call_out,
                "responder": responder,
                "form": CallOutAnswerForm(),
                "action": "",
            },
        )
    )


@login_required
@require_GET
def callout_live(request, pk: int):
    """The part of the hub's page that changes: polled by static/js/plan-b.js."""
    _hub_only(request)
    call_out = _call_out_or_404(pk)
    return private_response(
        render(request, "advocacy/planb/includes/board.html", _board_context(call_out))
    )


def _answer(request, responder: CallOutResponder, *, action: str):
    form = CallOutAnswerForm(request.POST)
    if form.is_valid():
        try:
            callout_answer(responder=responder, answer=form.cleaned_data["answer"])
        except ValidationError as error:
            form.add_error(None, error_text(error))
        else:
            return render(
                request,
                "advocacy/planb/answered.html",
                {"call_out": responder.call_out, "responder": responder},
            )
    return render(
        request,
        "advocacy/planb/answer.html",
        {"call_out": responder.call_out, "responder": responder, "form": form, "action": action},
        status=400,
    )


@login_required
@require_POST
def callout_respond(request, pk: int):
    """A person called answers from the page."""
    responder = _own_responder(request, pk)
    if responder is None:
        raise Http404(_("No call-out found."))
    return private_response(_answer(request, responder, action=""))


@require_http_methods(["GET", "POST"])
def callout_answer_link(request, token: str):
    """The e-mail's link: the brief and three buttons (a GET never answers), then the
    answer. The signed link is the person's key, so it works before logging in."""
    responder = callout_responder_from_token(token)
    if responder is None:
        return private_response(render(request, "advocacy/planb/bad_link.html", status=404))
    if request.method == "POST":
        return private_response(_answer(request, responder, action=request.path))
    return private_response(
        render(
            request,
            "advocacy/planb/answer.html",
            {
                "call_out": responder.call_out,
                "responder": responder,
                "form": CallOutAnswerForm(),
                "action": request.path,
            },
        )
    )


@login_required
@require_http_methods(["GET", "POST"])
def callout_close_view(request, pk: int):
    """Close a call-out (asks first): nobody else is called and answers stop."""
    _hub_only(request)
    call_out = _call_out_or_404(pk)
    if request.method == "POST":
        try:
            callout_close(call_out=call_out, by=request.user)
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("Call-out closed. Thank you, everyone."))
        return redirect("planb:detail", pk=call_out.pk)
    return private_response(render(request, "advocacy/planb/close.html", {"call_out": call_out}))
