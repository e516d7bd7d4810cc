"""A person's own view of the competency framework."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from people.models import zone_or_utc

from .selectors import level_scale, standings_by_area, standings_for_user


@login_required
@require_GET
def my_competencies(request):
    """Each competency with the signed-in person's level and the evidence behind it.

    Only ever the person's own record: there is no id in the address to change.
    """
    lines = standings_for_user(user=request.user)
    return render(
        request,
        "competencies/my_competencies.html",
        {
            "areas": standings_by_area(lines),
            "has_evidence": any(line.evidence for line in lines),
            "scale": level_scale(),
            "person_tz": zone_or_utc(request.user.time_zone),
        },
    )
