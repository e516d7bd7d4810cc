"""What ``competencies`` announces to the apps above it (see ``core.events``)."""

from datetime import timedelta

# A person's standing in one competency was recomputed from the ledger (new evidence, or an
# admin's correction). Payload: ``user_id``, ``competency_id``, ``level`` (now),
# ``previous_level`` (``None`` for a first standing), ``backdated`` (see below).
# Announced by ``evidence_record`` and ``evidence_correct``.
STANDING_CHANGED = "competencies.standing_changed"

# A standing whose latest evidence is dated further back than this comes from records
# brought in from before Spoke (or the demo's history): ``backdated`` is true, it is not
# news to tell anyone about at once, and the nightly sweeps pick it up.
BACKDATED_AFTER = timedelta(hours=1)
