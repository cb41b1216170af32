from django.urls import path

from privacy import views
from privacy.accountability import views as public
from privacy.documents import views as documents
from privacy.rights import views as rights

app_name = "privacy"
urlpatterns = [
    path("", documents.policy, name="policy"),
    path("data/", views.data_inventory, name="data"),
    path("cookies/", views.cookies_page, name="cookies"),
    path("promises/", views.promises_page, name="promises"),
    path("my-data/", rights.my_data, name="my_data"),
    path("my-data/<slug:slug>/", rights.my_data_category, name="my_data_category"),
    path("export/", rights.export, name="export"),
    path("export/<int:export_id>/status/", rights.export_status, name="export_status"),
    path("export/<int:export_id>/download/", rights.export_download, name="export_download"),
    path("delete/", rights.delete, name="delete"),
    path("delete/cancel/", rights.cancel_deletion, name="cancel_deletion"),
    # §9: every version of the policy and the terms, and acknowledging a change.
    path("versions/", documents.versions, name="versions"),
    path("versions/<str:document>/<int:number>/", documents.version_text, name="version_text"),
    path(
        "versions/<str:document>/<int:number>/acknowledge/",
        documents.acknowledge,
        name="acknowledge",
    ),
    # §3.2 and §3.3: legal-request statistics, our processors and notice of their changes.
    path("transparency/", public.transparency, name="transparency"),
    path("subprocessors/", public.subprocessors, name="subprocessors"),
    path("subprocessors/subscribe/", public.subscribe, name="subprocessors_subscribe"),
    path("subprocessors/confirm/<str:token>/", public.confirm, name="subprocessors_confirm"),
    path(
        "subprocessors/unsubscribe/<str:token>/",
        public.unsubscribe,
        name="subprocessors_unsubscribe",
    ),
]
