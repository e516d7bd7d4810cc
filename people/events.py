"""What ``people`` announces to the apps above it (see ``core.events``)."""

# A person moved to another business unit, or their account was activated or deactivated.
# Payload: ``user_id``, ``unit_id`` (now, or ``None``), ``is_active`` (now).
# Announced by ``people.services.person_admin_edit_save`` (the Wagtail user admin's edit).
UNIT_OR_ACTIVE_CHANGED = "people.unit_or_active_changed"

# A person was switched off: they left the company, or the identity provider deactivated
# them. Payload: ``user_id``, ``reason`` (words for the history), ``by_id`` (who did it, or
# ``None`` for provisioning), ``at`` (the moment, also stored as ``User.deactivated_at``).
# Announced by ``people.services.deactivate_person`` (SCIM, ``import_people
# --deactivate-missing``, the Wagtail admin's deactivate action and user edit).
PERSON_DEACTIVATED = "people.person_deactivated"
