"""What ``people`` announces to the apps above it (see ``core.events``)."""

# A person moved to another business unit, or their account was activated or deactivated.
# Payload: ``user_id``, ``unit_id`` (now, or ``None``), ``is_active`` (now).
# Announced by ``people.services.person_admin_edit_save`` (the Wagtail user admin's edit).
UNIT_OR_ACTIVE_CHANGED = "people.unit_or_active_changed"
