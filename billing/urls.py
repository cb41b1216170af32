from django.urls import path

from . import views

app_name = "billing"

urlpatterns = [
    path("", views.index, name="index"),
    path("checkout/<slug:plan>/", views.checkout, name="checkout"),
    path("success/", views.success, name="success"),
    path("webhook/", views.webhook, name="webhook"),
]
