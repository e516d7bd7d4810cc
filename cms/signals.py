"""The one signal receiver Spoke keeps: Wagtail's ``page_published`` for the policy page.

Everything else our apps announce goes through ``core.events`` from a service. Wagtail,
though, publishes pages behind our services: from the page editor, from the scheduler
(``publish_scheduled``) and from ``revision.publish()``. Its ``page_published`` signal is
the one place all three pass, so it is heard here and handed straight to the service
:func:`cms.services.policy_version_for_publication`, which starts a version when one is due
and announces :data:`cms.events.POLICY_VERSION_PUBLISHED`.
"""

from django.dispatch import receiver
from wagtail.signals import page_published

from .models import PolicyPage
from .services import policy_version_for_publication


@receiver(page_published, sender=PolicyPage, dispatch_uid="cms_policy_version_on_publish")
def _policy_page_published(sender, instance, revision=None, **kwargs):
    if kwargs.get("alias"):  # an alias mirrors its original; only the original has versions
        return
    policy_version_for_publication(page=instance, revision=revision)
