from django.urls import path
from django.views.generic import TemplateView

from . import views

app_name = "support"
urlpatterns = [
    path("", views.contact, name="contact"),
    path("sent/", TemplateView.as_view(template_name="support/sent.html"), name="sent"),
    path("inquiries/", views.inquiries, name="inquiries"),
    path("inquiries/<int:pk>/", views.inquiry, name="inquiry"),
]
