"""Spoke's favicon: a static SVG, linked from the site's pages and the Wagtail admin's."""

from pathlib import Path

from django.conf import settings
from django.urls import reverse

ICON = '<link rel="icon" href="/static/img/spoke.svg" type="image/svg+xml">'


def test_the_icon_is_a_static_svg():
    icon = Path(settings.BASE_DIR) / "static" / "img" / "spoke.svg"
    assert icon.read_text(encoding="utf-8").lstrip().startswith(("<svg", "<?xml"))


def test_site_pages_link_the_icon(client, db):
    assert ICON in client.get(reverse("account_login")).content.decode()


def test_the_admin_links_the_icon_instead_of_wagtails(client, site_admin):
    client.force_login(site_admin)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert ICON in html
    assert "wagtailadmin/images/favicon.ico" not in html
