from django.urls import path

from . import views

app_name = "community"

urlpatterns = [
    path("", views.thread_list, name="list"),
    path("new/", views.new_thread, name="new_thread"),
    path("<int:pk>/", views.thread_detail, name="thread"),
    path("<int:pk>/edit/", views.edit_thread, name="edit_thread"),
    path("<int:pk>/delete/", views.delete_thread, name="delete_thread"),
    path("<int:pk>/comment/", views.add_comment, name="add_comment"),
    path("<int:pk>/report/", views.report_thread, name="report_thread"),
    path("comments/<int:pk>/edit/", views.edit_comment, name="edit_comment"),
    path("comments/<int:pk>/delete/", views.delete_comment, name="delete_comment"),
    path("comments/<int:pk>/report/", views.report_comment, name="report_comment"),
]
