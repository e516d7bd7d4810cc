"""What ``advocacy`` announces (see ``core.events``)."""

# A roster membership was created or changed status (eligible, active, paused, lapsed,
# declined, removed…). Payload: ``user_id``, ``membership_id``, ``tier``, ``status`` (now),
# ``previous_status`` (``""`` for a new row). Announced by ``advocacy.services`` for every
# change it logs as a ``RosterEvent``; the bulk lapse of a new policy version
# (``policy_version_started``) announces nothing and is caught by the nightly sweeps.
MEMBERSHIP_CHANGED = "advocacy.membership_changed"

# A person acknowledged a policy version (once per person and version).
# Payload: ``user_id``, ``version_id``. Announced by ``advocacy.policy.policy_acknowledge``.
POLICY_ACKNOWLEDGED = "advocacy.policy_acknowledged"
