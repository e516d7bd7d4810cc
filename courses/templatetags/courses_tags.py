"""Template helpers for course pages and for the site header."""

from django import template
from django.utils.translation import gettext as _
from wagtail.models import Site

from core.pagecache import stamped

from ..selectors import catalogue_first, knowledge_check_rows

register = template.Library()

_UNSET = object()


def _catalogue_url(request) -> str:
    index = catalogue_first()
    return (index.get_url(request) or "") if index is not None else ""


def request_catalogue_url(request) -> str:
    """The address of the course catalogue, or "" when there is none; kept until the
    content stamp changes (per site: a catalogue of another site is a full address)."""
    cached = getattr(request, "_courses_catalogue_url", _UNSET) if request is not None else _UNSET
    if cached is not _UNSET:
        return cached
    url = stamped(
        f"catalogue-url:{getattr(Site.find_for_request(request), 'pk', None)}",
        lambda: _catalogue_url(request),
    )
    if request is not None:
        request._courses_catalogue_url = url
    return url


@register.simple_tag(takes_context=True)
def catalogue_url(context) -> str:
    """``{% catalogue_url as url %}``: the course catalogue's address, or ""."""
    return request_catalogue_url(context.get("request"))


@register.simple_tag
def check_rows(value, attempt=None):
    """The answers of a knowledge-check block, marked with the person's latest choices."""
    return knowledge_check_rows(value, attempt or None)


@register.filter
def minutes_text(minutes) -> str:
    """A duration in minutes as people say it: "45 min", "1 h 20 min"."""
    try:
        minutes = int(minutes)
    except (TypeError, ValueError):
        return ""
    hours, rest = divmod(max(minutes, 0), 60)
    if hours and rest:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": rest}
    if hours:
        return _("%(hours)d h") % {"hours": hours}
    return _("%(minutes)d min") % {"minutes": rest}


@register.filter
def done(progress, lesson) -> bool:
    """Whether ``lesson`` is done in ``progress`` (a CourseProgress)."""
    return bool(progress) and progress.is_done(lesson)


@register.filter
def lesson_lock(overview, lesson):
    """Why ``lesson`` is not open to the person yet (a LessonLock), or None when it is;
    ``overview`` is a CourseOverview or a LessonOverview."""
    return overview.lock_for(lesson) if overview else None
