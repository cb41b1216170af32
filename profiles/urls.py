from django.urls import path

from . import cv_views, views

app_name = "profiles"
urlpatterns = [
    path("", views.edit, name="edit"),
    path("targets/kept-as-pairs/", views.dismiss_pairs_notice, name="dismiss_pairs_notice"),
    path("letter/", views.job_letter, name="letter"),
    path("letter/preview/", views.job_letter_preview, name="letter_preview"),
    path("cv/", cv_views.cv_list, name="cv_list"),
    path("cv/status/", cv_views.cv_status, name="cv_status"),
    path("cv/<int:pk>/current/", cv_views.cv_set_current, name="cv_set_current"),
    path("cv/<int:pk>/delete/", cv_views.cv_delete, name="cv_delete"),
    path("cv/<int:pk>/download/", cv_views.cv_download, name="cv_download"),
]
