"""What learners post from a lesson page: "mark as done" and knowledge-check answers.

Both answer with a redirect back to the lesson and a message (post/redirect/get); the
lesson page itself shows the result. Reading pages is Wagtail's job (see models.py).
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .models import LessonPage
from .selectors import lesson_course, lesson_is_available
from .services import knowledge_check_answer, lesson_complete


def _open_lesson(request, lesson_id: int) -> LessonPage | HttpResponseRedirect:
    """The live lesson, or a redirect to log in; 404 for drafts, 403 when not open."""
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    course = lesson_course(lesson=lesson)
    if course is None or not course.live:
        raise Http404
    if not request.user.is_authenticated:
        return redirect_to_login(lesson.get_url(request))
    if not lesson_is_available(user=request.user, lesson=lesson):
        raise PermissionDenied
    return lesson


@require_POST
def lesson_complete_view(request, lesson_id: int):
    """Mark a lesson done. Safe to repeat."""
    lesson = _open_lesson(request, lesson_id)
    if isinstance(lesson, HttpResponseRedirect):
        return lesson
    result = lesson_complete(user=request.user, lesson=lesson)
    if result.course_newly_completed:
        messages.success(
            request,
            _("Lesson done, and with it the whole course “%(course)s”. Well done!")
            % {"course": lesson_course(lesson=lesson).title},
        )
    elif result.lesson_newly_done:
        messages.success(request, _("Lesson marked as done."))
    else:
        messages.info(request, _("You had already marked this lesson as done."))
    return HttpResponseRedirect(f"{lesson.get_url(request)}#lesson-done")


@require_POST
def knowledge_check_answer_view(request, lesson_id: int, block_id: str):
    """Grade an answer to one knowledge check and go back to its result on the lesson page;
    an answer with nothing ticked goes back to the check, which says so."""
    lesson = _open_lesson(request, lesson_id)
    if isinstance(lesson, HttpResponseRedirect):
        return lesson
    lesson_url = lesson.get_url(request)
    try:
        attempt = knowledge_check_answer(
            user=request.user,
            lesson=lesson,
            block_id=block_id,
            selected=request.POST.getlist("choice"),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        if error.code == "unknown_check":
            return HttpResponseRedirect(lesson_url)
        if error.code == "empty":
            # Said again at the check itself, where the page lands and the focus goes.
            query = urlencode({"unanswered": block_id})
            return HttpResponseRedirect(f"{lesson_url}?{query}#check-{block_id}-error")
        return HttpResponseRedirect(f"{lesson_url}#check-{block_id}")
    if attempt.passed:
        messages.success(request, _("Right! Your answer is correct."))
    else:
        messages.warning(
            request, _("Not quite. See which answers are right, read why, and try again.")
        )
    # The page lands on the result, which takes the focus (static/js/error-summary.js), so
    # a screen reader reads it out.
    return HttpResponseRedirect(f"{lesson_url}#check-{attempt.block_id}-result")
