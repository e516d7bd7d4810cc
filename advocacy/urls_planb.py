"""Plan B call-outs, under /plan-b/ (see ``views_planb``)."""

from django.urls import path

from . import views_planb

app_name = "planb"

urlpatterns: list = [
    path("", views_planb.callout_list, name="list"),
    path("new/", views_planb.callout_new, name="new"),
    path("<int:pk>/", views_planb.callout_detail, name="detail"),
    path("<int:pk>/live/", views_planb.callout_live, name="live"),
    path("<int:pk>/answer/", views_planb.callout_respond, name="respond"),
    path("<int:pk>/close/", views_planb.callout_close_view, name="close"),
    # The e-mail's signed link: a confirmation page, then a POST.
    path("answer/<str:token>/", views_planb.callout_answer_link, name="answer"),
]
