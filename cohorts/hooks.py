"""Sections that apps above ``cohorts`` add to a cohort's page, without ``cohorts``
importing them.

An app registers a function with Wagtail's hook registry under
:data:`COHORT_PAGE_SECTIONS_HOOK`::

    @hooks.register(COHORT_PAGE_SECTIONS_HOOK)
    def my_section(*, request, cohort, access):
        if not access.holds_a_place:
            return None
        return DashboardPanel(title=..., template="myapp/panels/x.html", order=20)

It receives the request, the cohort and the viewer's :class:`~cohorts.selectors.CohortAccess`
(keywords) and returns a :class:`core.dashboard.DashboardPanel` (title, template, context,
order, key), or ``None`` when it has nothing for this viewer. The cohort page renders them
in ``order`` in its side column, after "What is due", each template with ``section`` in its
context. Each function keeps to a fixed number of queries: the page's bound counts them.
"""

from wagtail import hooks

from core.dashboard import DashboardPanel

from .selectors import CohortAccess

COHORT_PAGE_SECTIONS_HOOK = "spoke_cohort_page_sections"


def cohort_page_sections(*, request, cohort, access: CohortAccess) -> list[DashboardPanel]:
    """What the registered apps add to the cohort's page for this viewer, in order."""
    sections = [
        section
        for section_for in hooks.get_hooks(COHORT_PAGE_SECTIONS_HOOK)
        if (section := section_for(request=request, cohort=cohort, access=access)) is not None
    ]
    return sorted(sections, key=lambda section: (section.order, section.title))
