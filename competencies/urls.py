from django.urls import path

from . import views

app_name = "competencies"

urlpatterns = [
    path("mine/", views.my_competencies, name="mine"),
]
