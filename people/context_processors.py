"""Template access to the role helpers, so navigation shows each role what it may use."""

from . import roles as role_helpers


class _LazyRoles:
    def __init__(self, user):
        self._user = user

    def __getattr__(self, name):
        helper = {
            "is_site_admin": role_helpers.user_is_site_admin,
            "is_trainer": role_helpers.user_is_trainer,
            "is_hr": role_helpers.user_is_hr,
            "is_lead": role_helpers.user_is_advocacy_lead,
            "is_manager": role_helpers.user_is_manager,
            "can_use_cms_admin": role_helpers.user_can_use_cms_admin,
        }.get(name)
        if helper is None:
            raise AttributeError(name)
        value = helper(self._user)
        setattr(self, name, value)
        return value


def roles(request):
    return {"roles": _LazyRoles(getattr(request, "user", None))}
