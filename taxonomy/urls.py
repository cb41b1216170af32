from django.urls import path

from . import views

app_name = "taxonomy"

urlpatterns = [
    path("occupations/", views.occupations, name="occupations"),
    path("places/", views.places, name="places"),
]
