"""Wagtail's site and page lookups, from the stamped cache (``core.pagecache``).

Wagtail finds the site of every request (one query) and walks the page tree from the
site's root to the page asked for (two queries a level, and the view restrictions of the
page and its ancestors: two more). Both answers depend only on the pages, sites and
restrictions, which change the content stamp when they are written (``cms.apps``), so
:class:`CachedRoutingMiddleware` keeps them per stamp and hands them to Wagtail through
the attributes Wagtail itself caches them in for the request (``request._wagtail_site``
and ``request._wagtail_route_for_request``). Wagtail's own view then serves the page,
with its hooks and view-restriction checks, as before.
"""

from __future__ import annotations

import functools

from django.core.exceptions import DisallowedHost
from django.http.request import split_domain_port
from wagtail import views as wagtail_views
from wagtail.models import Page, Site
from wagtail.url_routing import RouteResult

from core.pagecache import stamped


def _valid_host(request) -> str | None:
    try:
        request.get_host()  # refuses hosts outside ALLOWED_HOSTS: no cache key for them
    except DisallowedHost:
        return None
    return split_domain_port(request._get_raw_host())[0]


def prime_site(request) -> None:
    """Put the request's Wagtail site where ``Site.find_for_request`` looks first."""
    if hasattr(request, "_wagtail_site"):
        return
    hostname = _valid_host(request)
    if hostname is None:
        return
    port = request.get_port()
    request._wagtail_site = stamped(
        f"wagtail-site:{hostname}:{port}", lambda: Site._find_for_request(request)
    )


def _route_entry(request, path: str):
    result = Page.route_for_request(request, path)
    if result is None:
        return None
    page, args, kwargs = result
    return (page, tuple(args), dict(kwargs), list(page.get_view_restrictions()))


def prime_route(request, path: str) -> None:
    """Put the page that ``path`` routes to (and its view restrictions) where Wagtail's
    ``serve`` view looks first. Addresses that route nowhere are not kept."""
    if hasattr(request, "_wagtail_route_for_request"):
        return
    site = Site.find_for_request(request)
    if site is None:
        return
    entry = stamped(
        f"wagtail-route:{site.pk}:{path}",
        lambda: _route_entry(request, path),
        keep=lambda value: value is not None,
    )
    if entry is None:
        return
    page, args, kwargs, restrictions = entry
    # Wagtail's check_view_restrictions hook asks the page; the answer is the cached one.
    page.get_view_restrictions = functools.partial(list, restrictions)
    request._wagtail_route_for_request = RouteResult(page, list(args), kwargs)


class CachedRoutingMiddleware:
    """Wagtail's site for every request, and the page for Wagtail's ``serve`` view, from
    the stamped cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        prime_site(request)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if view_func is wagtail_views.serve:
            path = view_args[0] if view_args else view_kwargs.get("path", "")
            prime_route(request, path)
        return None
