"""Show every time in the signed-in person's own time zone."""

from django.utils import timezone

from .models import zone_or_utc


class PersonTimeZoneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            timezone.activate(zone_or_utc(user.time_zone))
        else:
            timezone.deactivate()
        return self.get_response(request)
