"""What ``cohorts`` lets the apps above it add, without importing them (see
``core.extensions``).

:data:`COHORT_PAGE_SECTIONS`: sections of a cohort's page. A function receives the
request, the cohort and the viewer's :class:`~cohorts.selectors.CohortAccess` (keywords)
and returns a :class:`core.dashboard.DashboardPanel` (title, template, context, order,
key), or ``None`` when it has nothing for this viewer::

    def my_section(*, request, cohort, access):
        if not access.holds_a_place:
            return None
        return DashboardPanel(title=..., template="myapp/panels/x.html", order=20)

    COHORT_PAGE_SECTIONS.register(my_section)  # in myapp/wagtail_hooks.py

The cohort page renders them in ``(order, title)`` in its side column, after "What is
due", each template with ``section`` in its context. Each function keeps to a fixed number
of queries: the page's bound counts them.

:data:`COHORT_ADMIN_LINKS`: links on a cohort's admin page. A function receives the
request and the cohort (keywords) and returns a list of ``(label, url)`` pairs, or
``None``; the page lists them in registration order. No queries: build URLs only.
"""

from core.dashboard import DashboardPanel
from core.extensions import extension_point

COHORT_PAGE_SECTIONS = extension_point(
    "spoke_cohort_page_sections",
    receives=("request", "cohort", "access"),
    returns=DashboardPanel,
    ordered=True,
)

COHORT_ADMIN_LINKS = extension_point(
    "spoke_cohort_admin_links", receives=("request", "cohort"), returns=tuple, many=True
)
