"""The recruiter's private packet page, mounted at /p/ (short: it is in emails)."""

from django.urls import path

from . import views

app_name = "packets"
urlpatterns = [
    path("<str:token>/", views.packet_page, name="page"),
    path("<str:token>/cv/", views.packet_cv, name="cv"),
    path("<str:token>/answer/", views.packet_answer, name="answer"),
]
