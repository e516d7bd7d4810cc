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


def form_problems(*forms) -> list[Problem]:
    """Every error of ``forms``, in the order the fields come: the form's own errors first
    (with no field to link to), then each field's, linked to its element."""
    problems: list[Problem] = []
    for form in forms:
        errors = getattr(form, "errors", None)
        if not errors:
            continue
        problems.extend(Problem(str(error)) for error in form.non_field_errors())
        anchors = getattr(form, "error_anchors", {}) or {}
        for bound in form:
            if not bound.errors:
                continue
            target = "" if bound.is_hidden else anchors.get(bound.name) or (
                bound.id_for_label or bound.auto_id
            )
            href = f"#{target}" if target else ""
            problems.extend(Problem(str(error), href) for error in bound.errors)
    return problems


@register.inclusion_tag("includes/error_summary.html")
def error_summary(*forms, note="", admin=False):
    """The summary of what is wrong with ``forms`` (nothing when they have no errors);
    ``note`` adds a sentence under the title (what was saved anyway, for example)."""
    return {"problems": form_problems(*forms), "note": note, "admin": admin}
