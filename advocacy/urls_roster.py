"""Membership pages for everyone, the roster and approvals for leads and HR."""

from django.urls import path

from . import views, views_sharing

urlpatterns: list = [
    # The roster, for advocacy leads, HR and site admins (HR read only).
    path("", views.roster, name="roster"),
    path("eligible/", views.eligible, name="eligible"),
    path("approvals/", views.approvals, name="approvals"),
    path("member/<int:pk>/", views.member, name="member"),
    path("member/<int:pk>/approve/", views.approve, name="approve"),
    path("member/<int:pk>/reject/", views.reject, name="reject"),
    path("member/<int:pk>/remove/", views.remove, name="remove"),
    # A person's own place on the roster.
    path("me/", views.me, name="me"),
    path("me/<slug:tier>/join/", views.opt_in, name="opt_in"),
    path("me/<slug:tier>/decline/", views.decline, name="decline"),
    path("me/<slug:tier>/pause/", views.pause, name="pause"),
    path("me/<slug:tier>/resume/", views.resume, name="resume"),
    path("me/<slug:tier>/leave/", views.leave, name="leave"),
    # The sharing kit: advocates' posts to share, the hub's counts.
    path("share/", views_sharing.kit, name="share_kit"),
    path("share/name/", views_sharing.kit_name, name="share_kit_name"),
    path("sharing/", views_sharing.hub, name="share_hub"),
    # Where I am online.
    path("platforms/", views.platform_list, name="platforms"),
    path("platforms/add/", views.platform_add, name="platform_add"),
    path("platforms/<int:pk>/", views.platform_edit, name="platform_edit"),
    path("platforms/<int:pk>/delete/", views.platform_delete, name="platform_delete"),
]
