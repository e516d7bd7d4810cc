"""Sections that apps above ``cms`` add to the policy page, without ``cms`` importing them.

An app registers a function with Wagtail's hook registry under
:data:`POLICY_PAGE_SECTIONS_HOOK`::

    @hooks.register(POLICY_PAGE_SECTIONS_HOOK)
    def my_section(*, request, page, version):
        if not request.user.is_authenticated:
            return None
        return DashboardPanel(title=..., template="myapp/x.html", order=20)

It receives the request, the policy page and its current
:class:`~cms.models.PolicyVersion` (``None`` before the first publication, in a preview)
as keywords, and returns a :class:`core.dashboard.DashboardPanel` (title, template,
context, order, key) or ``None`` when it has nothing for this reader. The page renders
them in ``order`` after the summary, each template with ``section`` in its context. Each
function keeps to a fixed number of queries.
"""

from wagtail import hooks

from core.dashboard import DashboardPanel

POLICY_PAGE_SECTIONS_HOOK = "spoke_policy_page_sections"


def policy_page_sections(*, request, page, version) -> list[DashboardPanel]:
    """What the registered apps add to the policy page for this reader, in order."""
    if request is None:
        return []
    sections = [
        section
        for section_for in hooks.get_hooks(POLICY_PAGE_SECTIONS_HOOK)
        if (section := section_for(request=request, page=page, version=version)) is not None
    ]
    return sorted(sections, key=lambda section: (section.order, section.title))
