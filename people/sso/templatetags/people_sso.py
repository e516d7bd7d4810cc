from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def sso_only() -> bool:
    """Whether password log-in is kept for superusers only (``SPOKE_SSO_ONLY``)."""
    return bool(settings.SPOKE_SSO_ONLY)
