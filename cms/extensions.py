"""What ``cms`` lets the apps above it add, without importing them (see ``core.extensions``).

:data:`POLICY_PAGE_SECTIONS`: sections of the policy page. A function receives the
request, the policy page and its current :class:`~cms.models.PolicyVersion` (``None``
before the first publication, in a preview) as keywords, and returns a
:class:`core.dashboard.DashboardPanel` (title, template, context, order, key) or ``None``
when it has nothing for this reader::

    def my_section(*, request, page, version):
        if not request.user.is_authenticated:
            return None
        return DashboardPanel(title=..., template="myapp/x.html", order=20)

    POLICY_PAGE_SECTIONS.register(my_section)  # in myapp/wagtail_hooks.py

The page renders them in ``(order, title)`` after the summary, each template with
``section`` in its context. Each function keeps to a fixed number of queries.
"""

from core.dashboard import DashboardPanel
from core.extensions import extension_point

POLICY_PAGE_SECTIONS = extension_point(
    "spoke_policy_page_sections",
    receives=("request", "page", "version"),
    returns=DashboardPanel,
    ordered=True,
)
