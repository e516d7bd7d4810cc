"""What ``advocacy`` writes to the audit trail (see ``core.audit``): a lead's approvals,
rejections and removals on the roster."""

from django.utils.translation import gettext_lazy as _

from core.audit import AuditAction

ROSTER_APPROVED = AuditAction(
    "spoke.roster.approved",
    _("Approve a roster request"),
    lambda data: _("Approved as %(tier)s") % data,
)
ROSTER_REJECTED = AuditAction(
    "spoke.roster.rejected",
    _("Turn down a roster request"),
    lambda data: _("Turned down as %(tier)s") % data,
)
ROSTER_REMOVED = AuditAction(
    "spoke.roster.removed",
    _("Remove from the roster"),
    lambda data: _("Removed from %(tier)s (was %(from)s)") % data,
)
AUDIT_ACTIONS = (ROSTER_APPROVED, ROSTER_REJECTED, ROSTER_REMOVED)
