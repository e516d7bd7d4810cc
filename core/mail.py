"""How Spoke renders the text of an e-mail.

Django escapes every variable for HTML. That is right for the HTML part of a mail and
wrong for its subject and plain-text body, where ``O'Neil`` would arrive as ``O&#x27;Neil``
and ``Sales & Support`` as ``Sales &amp; Support``. :func:`render_plain_text` is the one
place that renders text meant for a mail client rather than a browser: both our own
notifications (``core.services.notification_render``) and allauth's mails
(``people.adapters.AccountAdapter.render_mail``) go through it. HTML parts keep using
``render_to_string`` and stay escaped.
"""

from typing import Any

from django.template.context import make_context
from django.template.loader import get_template


def render_plain_text(template_name: str, context: dict[str, Any], request=None) -> str:
    """Render ``template_name`` with autoescaping off, as text for a mail subject or body.

    The template and its context processors are the usual ones; only escaping differs.
    """
    template = get_template(template_name)
    # The backend's own Template renders with the engine's autoescape setting; its wrapped
    # django.template.Template takes a Context in which we switch escaping off.
    return template.template.render(make_context(context, request, autoescape=False))


def render_subject(template_name: str, context: dict[str, Any], request=None) -> str:
    """A mail subject: the plain text of the template on one line."""
    return " ".join(render_plain_text(template_name, context, request).split())
