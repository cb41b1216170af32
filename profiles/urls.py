from django.urls import path

from . import views

app_name = "profiles"
urlpatterns = [
    path("", views.edit, name="edit"),
    path("letter/", views.job_letter, name="letter"),
    path("letter/preview/", views.job_letter_preview, name="letter_preview"),
    path("cv/", views.cv_list, name="cv_list"),
    path("cv/<int:pk>/current/", views.cv_set_current, name="cv_set_current"),
    path("cv/<int:pk>/delete/", views.cv_delete, name="cv_delete"),
    path("cv/<int:pk>/download/", views.cv_download, name="cv_download"),
]
