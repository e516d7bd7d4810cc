import re

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from advocacy import views_sharing as advocacy_sharing
from cms import views as cms_views

from . import media, views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("accounts/", include("people.sso.urls")),
    path("accounts/", include("allauth.urls")),
    path("people/", include("people.urls")),
    path("competencies/", include("competencies.urls")),
    path("learn/", include("courses.urls")),
    path("cohorts/", include("cohorts.urls")),
    path("practice/", include("assessments.urls")),
    path("roster/coaching/", include("advocacy.urls_coaching")),
    path("roster/", include("advocacy.urls")),
    path("plan-b/", include("advocacy.urls_planb")),
    path("s/<str:code>/", advocacy_sharing.follow, name="share_follow"),
    path("credentials/", include("credentials.urls")),
    path("reports/", include("reports.urls")),
    # Provisioning by the company's identity provider (bearer tokens only, no sessions).
    path("scim/v2/", include("people.scim.urls")),
    # One way in: everyone logs in, and changes or resets a password, through allauth, so
    # e-mail verification, the domain rule, two-factor and rate limits apply to everyone.
    # The password pages Wagtail and Django would otherwise add are replaced here, ahead of
    # the includes that define them; tests/lms/test_urls_one_way_in.py walks every address.
    path("admin/login/", views.admin_login),
    path("django-admin/login/", views.admin_login),
    path("django-admin/password_change/", views.password_change_elsewhere),
    path("django-admin/password_change/done/", views.password_change_elsewhere),
    path("admin/", include(wagtailadmin_urls)),
    path("django-admin/", admin.site.urls),
    # Documents in a collection protected by a shared password: that option is off
    # (WAGTAILDOCS_PRIVATE_COLLECTION_OPTIONS), and so is the page that checks one.
    path("documents/authenticate_with_password/<int:restriction_id>/", views.closed),
    path(
        "documents/<int:document_id>/<str:document_filename>",
        cms_views.document_serve,
        name="wagtaildocs_serve",
    ),
    path("documents/", include(wagtaildocs_urls)),
]

# Wagtail's renditions and avatars, in every environment (not documents, not originals:
# see lms/media.py). A MEDIA_URL on another host (object storage) is served from there.
if settings.MEDIA_URL.startswith("/"):
    urlpatterns += [
        re_path(rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.*)$", media.media_file)
    ]

urlpatterns += [
    # Wagtail's front-end log-in (a password-only form) and its shared-password page check
    # (WAGTAIL_PRIVATE_PAGE_OPTIONS turns that option off) stand aside for allauth.
    path("_util/login/", views.admin_login),
    path("_util/authenticate_with_password/<int:restriction_id>/<int:page_id>/", views.closed),
    path("", include(wagtail_urls)),
]

handler403 = "lms.views.error_403"
handler404 = "lms.views.error_404"
handler500 = "lms.views.error_500"
