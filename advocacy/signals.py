"""Wagtail publishes pages behind our services (the editor, the scheduler,
``revision.publish()``); its ``page_published`` signal is where all three pass, so a post
for advocates is heard here and handed to :func:`advocacy.sharing.share_links_for_post`
(the same reason as ``cms.signals``)."""

from django.dispatch import receiver
from django.utils import timezone
from wagtail.signals import page_published

from .models import SharePostPage
from .sharing import share_links_for_post


@receiver(page_published, sender=SharePostPage, dispatch_uid="advocacy_share_post_published")
def _share_post_published(sender, instance, **kwargs):
    if kwargs.get("alias"):
        return
    share_links_for_post(post=instance, now=timezone.now())
