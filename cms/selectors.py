"""Reads about the social media policy, for the apps that ask people to acknowledge it."""

from .models import PolicyPage, PolicyQuestion, PolicyVersion


def policy_page_live() -> PolicyPage | None:
    """The published policy page, or ``None`` when there is none (one query)."""
    return PolicyPage.objects.live().order_by("-last_published_at", "-pk").first()


def policy_current() -> PolicyVersion | None:
    """The latest version of the live policy page, with its page, or ``None`` when no
    policy is published (one query)."""
    return (
        PolicyVersion.objects.filter(page__live=True)
        .select_related("page")
        .order_by("-published_at", "-number", "-pk")
        .first()
    )


def policy_questions(*, page: PolicyPage) -> list[PolicyQuestion]:
    """The understanding check of the published ``page``, in the editor's order (one
    query)."""
    return list(PolicyQuestion.objects.filter(page_id=page.pk).order_by("sort_order", "pk"))
