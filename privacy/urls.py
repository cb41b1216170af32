from django.urls import path

from . import cookie_views, request_views, views

app_name = "privacy"
urlpatterns = [
    path("", views.policy, name="policy"),
    path("data/", views.data_inventory, name="data"),
    path("cookies/", cookie_views.cookies_page, name="cookies"),
    path("my-data/", request_views.my_data, name="my_data"),
    path("my-data/<slug:slug>/", request_views.my_data_category, name="my_data_category"),
    path("export/", request_views.export, name="export"),
    path("export/<int:export_id>/status/", request_views.export_status, name="export_status"),
    path(
        "export/<int:export_id>/download/",
        request_views.export_download,
        name="export_download",
    ),
    path("delete/", request_views.delete, name="delete"),
    path("delete/cancel/", request_views.cancel_deletion, name="cancel_deletion"),
]
