"""``{% error_summary form %}``: the one way a page says what is wrong with what was sent.

A box at the top of the main content, titled "There is a problem", listing every error of
the forms given, each linking to its field; ``static/js/error-summary.js`` moves the focus
to it when the page loads (and to the field when a link is followed). Without JavaScript it
is still the first thing in the main content. ``templates/base.html`` shows it for the
context's ``form``; a page whose form goes by another name fills the ``error_summary``
block, and an admin page puts the tag at the top of its content (``admin=True``).

A field's link points at its input (``id_for_label``), or at the element holding its
choices (``auto_id``: Django puts it on the radio or checkbox list). A form that draws a
field its own way names the element to link to in ``error_anchors`` (field name → id).
"""

from dataclasses import dataclass

from django import template

register = template.Library()


@dataclass(frozen=True)
class Problem:
    text: str
    href: str = ""


def _form_problems(form) -> list[Problem]:
    problems = [Problem(str(error)) for error in form.non_field_errors()]
    anchors = getattr(form, "error_anchors", {}) or {}
    for bound in form:
        if not bound.errors:
            continue
        target = anchors.get(bound.name, "")
        if not target and not bound.is_hidden:
            target = bound.id_for_label or bound.auto_id
        href = f"#{target}" if target else ""
        problems.extend(Problem(str(error), href) for error in bound.errors)
    return problems


def form_problems(*sources) -> list[Problem]:
    """Every problem of ``sources``, in order. A source is a form (its own errors first,
    with no field to link to, then each field's, linked to its element), a formset (its
    own errors, then each form's), a list of them, a message (text alone), or a row of a
    hand-drawn form: anything with ``errors`` and a ``name`` that is the id of the element
    holding it. ``None`` and forms without errors add nothing."""
    problems: list[Problem] = []
    for source in sources:
        if not source:
            continue
        if isinstance(source, str):
            problems.append(Problem(source))
        elif hasattr(source, "non_form_errors"):  # a formset
            problems.extend(Problem(str(error)) for error in source.non_form_errors())
            problems.extend(form_problems(*source.forms))
        elif hasattr(source, "non_field_errors"):  # a form
            if source.errors:
                problems.extend(_form_problems(source))
        elif hasattr(source, "errors") and hasattr(source, "name"):  # a hand-drawn row
            problems.extend(Problem(str(error), f"#{source.name}") for error in source.errors)
        elif isinstance(source, (list, tuple)):
            problems.extend(form_problems(*source))
    return problems


@register.inclusion_tag("includes/error_summary.html")
def error_summary(*sources, note="", admin=False):
    """The summary of what is wrong with ``sources`` (see :func:`form_problems`; nothing
    when there is no problem); ``note`` adds a sentence under the title (what was saved
    anyway, for example)."""
    return {"problems": form_problems(*sources), "note": note, "admin": admin}
