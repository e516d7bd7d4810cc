"""What ``assessments`` writes to the audit trail (see ``core.audit``): review decisions."""

from django.utils.translation import gettext_lazy as _

from core.audit import AuditAction

REVIEW_ACCEPTED = AuditAction(
    "spoke.review.accepted",
    _("Accept practice"),
    lambda data: _("Accepted attempt %(attempt)s (%(criteria)s criteria met)") % data,
)
REVIEW_REVISION = AuditAction(
    "spoke.review.revision",
    _("Ask for a revision"),
    lambda data: _("Asked for a revision of attempt %(attempt)s") % data,
)
AUDIT_ACTIONS = (REVIEW_ACCEPTED, REVIEW_REVISION)
