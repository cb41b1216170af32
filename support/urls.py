from django.urls import path

from . import views

app_name = "support"
urlpatterns = [
    path("", views.contact, name="contact"),
    path("sent/", views.sent, name="sent"),
    path("inquiries/", views.inquiries, name="inquiries"),
    path("inquiries/<int:pk>/", views.inquiry, name="inquiry"),
]
