"""What ``cms`` announces to the apps above it (see ``core.events``)."""

# A policy version started: the policy page was published for the first time, or with "this
# change is material" ticked. Payload: ``version_id``, ``page_id``, ``number``.
# Announced by ``cms.services.policy_version_for_publication``.
POLICY_VERSION_PUBLISHED = "cms.policy_version_published"
