"""Documents as Wagtail serves them, kept out of shared caches."""

from django.utils.cache import patch_cache_control
from wagtail.documents.views.serve import serve


def document_serve(request, document_id: int, document_filename: str):
    """Wagtail's document view (with ``cms.wagtail_hooks``' check of who asks), whose
    answer no proxy or CDN may keep and hand to someone else."""
    response = serve(request, document_id, document_filename)
    patch_cache_control(response, private=True)
    return response
