"""Who may do what. Every view asks these helpers rather than checking groups itself.

Roles come from three places: the groups created by ``people/migrations/0002`` (trainer,
HR, advocacy lead), the person's own ``role`` (manager) and Django's superuser flag (site
admin). A person can hold several roles.
"""

from django.utils.translation import gettext_lazy as _

TRAINER = "Trainer"
HR = "HR"
ADVOCACY_LEAD = "Advocacy lead"
GROUP_NAMES = (TRAINER, HR, ADVOCACY_LEAD)

ROLE_LABELS = {
    "admin": _("Site admin"),
    "trainer": _("Trainer"),
    "hr": _("HR"),
    "lead": _("Advocacy lead"),
    "manager": _("Manager"),
    "employee": _("Employee"),
}


def _group_names(user) -> frozenset[str]:
    """The names of the user's groups, read once per request object and cached on it."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_spoke_group_names", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._spoke_group_names = cached
    return cached


def user_is_site_admin(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_superuser)


def user_is_trainer(user) -> bool:
    return user_is_site_admin(user) or TRAINER in _group_names(user)


def user_is_hr(user) -> bool:
    return user_is_site_admin(user) or HR in _group_names(user)


def user_is_advocacy_lead(user) -> bool:
    return user_is_site_admin(user) or ADVOCACY_LEAD in _group_names(user)


def user_is_manager(user) -> bool:
    """Managers by role. Their team is whoever names them as manager."""
    return bool(getattr(user, "is_authenticated", False)) and user.role == user.Role.MANAGER


def user_can_use_cms_admin(user) -> bool:
    """The Wagtail admin: trainers author there, HR keeps the competency framework there,
    and HR and advocacy leads write the posts for advocates there."""
    return user_is_trainer(user) or user_is_hr(user) or user_is_advocacy_lead(user)


def user_is_staff(user) -> bool:
    """More than a learner's reach: trainers, HR, advocacy leads and site admins.

    Staff must set up two-factor authentication when ``SPOKE_REQUIRE_MFA_FOR_STAFF`` is on.
    """
    return user_is_trainer(user) or user_is_hr(user) or user_is_advocacy_lead(user)


def user_roles(user) -> list[str]:
    """Role keys for display, most powerful first."""
    if not getattr(user, "is_authenticated", False):
        return []
    roles = []
    if user_is_site_admin(user):
        roles.append("admin")
    groups = _group_names(user)
    if TRAINER in groups:
        roles.append("trainer")
    if HR in groups:
        roles.append("hr")
    if ADVOCACY_LEAD in groups:
        roles.append("lead")
    roles.append("manager" if user_is_manager(user) else "employee")
    return roles
