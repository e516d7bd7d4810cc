# Wagtail imports this module at start-up: each import below registers the hooks it holds.
from . import (
    admin_rules,  # noqa: F401
    panels,  # noqa: F401
    policy_hooks,  # noqa: F401
)
