from django.urls import path

from privacy import views
from privacy.accountability import views as accountability_views
from privacy.documents import views as document_views
from privacy.rights import views as request_views

app_name = "privacy"
urlpatterns = [
    path("", document_views.policy, name="policy"),
    path("data/", views.data_inventory, name="data"),
    path("cookies/", views.cookies_page, name="cookies"),
    path("promises/", views.promises_page, name="promises"),
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
    # §9: every version of the policy and the terms, and acknowledging a change.
    path("versions/", document_views.versions, name="versions"),
    path(
        "versions/<str:document>/<int:number>/",
        document_views.version_text,
        name="version_text",
    ),
    path(
        "versions/<str:document>/<int:number>/acknowledge/",
        document_views.acknowledge,
        name="acknowledge",
    ),
    # §3.2 and §3.3: legal-request statistics, our processors and notice of their changes.
    path("transparency/", accountability_views.transparency, name="transparency"),
    path("subprocessors/", accountability_views.subprocessors, name="subprocessors"),
    path(
        "subprocessors/subscribe/",
        accountability_views.subscribe,
        name="subprocessors_subscribe",
    ),
    path(
        "subprocessors/confirm/<str:token>/",
        accountability_views.confirm,
        name="subprocessors_confirm",
    ),
    path(
        "subprocessors/unsubscribe/<str:token>/",
        accountability_views.unsubscribe,
        name="subprocessors_unsubscribe",
    ),
]
