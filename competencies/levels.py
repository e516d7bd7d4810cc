"""The level scale every competency is measured on.

The scale is fixed: reports compare levels across people, units and years, so it is
code, not content.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    NOT_YET = 0, _("Not yet")
    AWARE = 1, _("Aware")
    PRACTISING = 2, _("Practising")
    PROFICIENT = 3, _("Proficient")
    COACH = 4, _("Coach")


LEVEL_DESCRIPTIONS = {
    Level.NOT_YET: _("No evidence yet. Everyone starts here, and that is fine."),
    Level.AWARE: _(
        "Knows what good looks like and why it matters: has read the lesson and can answer "
        "questions about it."
    ),
    Level.PRACTISING: _(
        "Has done it for real at least once on a platform, and a trainer has seen the evidence."
    ),
    Level.PROFICIENT: _(
        "Does it well and without help, in ordinary and awkward situations, as reviewed by a "
        "trainer."
    ),
    Level.COACH: _(
        "Can teach it: helps colleagues do it and reviews their work. Trusted on a bad day."
    ),
}

# Knowledge checks show that someone knows, not that they can: evidence from them never
# raises a standing above this level.
KNOWLEDGE_CHECK_CAP = Level.AWARE
