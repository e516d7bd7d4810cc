"""The policy check, at /roster/policy/: the current version's summary and questions; a
right set of answers acknowledges it."""

import re
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cms.models import PolicyQuestion
from cms.selectors import policy_questions
from core.responses import safe_next

from .policy import PolicyStatus, policy_status
from .services import policy_acknowledge

# Answers come as q<question pk>=<choice number>; other fields are not answers.
_ANSWER_FIELD = re.compile(r"q(\d{1,18})")


@dataclass
class QuestionRow:
    question: PolicyQuestion
    name: str
    choices: list[tuple[int, str, bool]]  # number, text, chosen
    errors: list[str] = field(default_factory=list)


def _rows(questions, chosen: dict[str, str], errors: dict[str, list[str]]) -> list[QuestionRow]:
    rows = []
    for question in questions:
        name = f"q{question.pk}"
        picked = chosen.get(str(question.pk), "")
        rows.append(
            QuestionRow(
                question=question,
                name=name,
                choices=[
                    (number, text, picked == str(number))
                    for number, text in enumerate(question.choice_list(), start=1)
                ],
                errors=errors.get(name, []),
            )
        )
    return rows


def _page_url(request, status: PolicyStatus) -> str:
    return status.version.page.get_url(request) or "/"


@login_required
@require_http_methods(["GET", "POST"])
def policy_check(request):
    """GET: the check for the current version. POST: grade it; all right acknowledges it."""
    status = policy_status(user=request.user)
    if status.version is None:
        return render(request, "advocacy/policy_none.html")
    chosen: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    general: list[str] = []
    changed_meanwhile = False
    if request.method == "POST":
        chosen = {
            match.group(1): value
            for key, value in request.POST.items()
            if (match := _ANSWER_FIELD.fullmatch(key))
        }
        try:
            acknowledgement = policy_acknowledge(
                user=request.user,
                version_id=request.POST.get("version", ""),
                answers=chosen,
                now=timezone.now(),
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for key, field_errors in error.message_dict.items():
                    errors[key] = field_errors
            elif error.code == "old_version":
                changed_meanwhile = True
                general = error.messages
                status = policy_status(user=request.user)
                if status.version is None:
                    return render(request, "advocacy/policy_none.html")
            elif error.code == "no_policy":  # withdrawn while the person was answering
                return render(request, "advocacy/policy_none.html")
            else:
                general = error.messages
        else:
            number = acknowledgement.version.number
            if status.acknowledged:
                messages.info(
                    request, _("You had already acknowledged version %(n)d.") % {"n": number}
                )
            else:
                messages.success(
                    request,
                    _("Thank you: you acknowledged version %(n)d of the policy.") % {"n": number},
                )
            return HttpResponseRedirect(safe_next(request) or _page_url(request, status))
    questions = policy_questions(page=status.version.page)
    shown = {f"q{question.pk}" for question in questions}
    general += [message for key, text in errors.items() if key not in shown for message in text]
    general = list(dict.fromkeys(general))  # one of each, however many fields were forged
    rows = _rows(questions, chosen, errors)
    failed = sum(1 for row in rows if row.errors)
    return render(
        request,
        "advocacy/policy_check.html",
        {
            "status": status,
            "version": status.version,
            "policy": status.version.page,
            "policy_url": _page_url(request, status),
            "rows": rows,
            "failed": failed,
            "general_errors": general,
            "changed_meanwhile": changed_meanwhile,
            "next": safe_next(request),
        },
    )
