import re

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms import views as cms_views

from . import media, views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("accounts/", include("allauth.urls")),
    path("people/", include("people.urls")),
    path("competencies/", include("competencies.urls")),
    path("learn/", include("courses.urls")),
    path("cohorts/", include("cohorts.urls")),
    path("practice/", include("assessments.urls")),
    path("roster/", include("advocacy.urls")),
    path("reports/", include("reports.urls")),
    # Everyone logs in through allauth, so e-mail verification, two-factor and rate limits
    # apply to the admins too; the admins' own password-only log-in pages are not used.
    path("admin/login/", views.admin_login),
    path("django-admin/login/", views.admin_login),
    path("admin/", include(wagtailadmin_urls)),
    path("django-admin/", admin.site.urls),
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

urlpatterns += [path("", include(wagtail_urls))]

handler403 = "lms.views.error_403"
handler404 = "lms.views.error_404"
handler500 = "lms.views.error_500"
