from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from jobletters import views
from privacy.documents import views as privacy_documents

# admin.site is jobletters.admin_site.StaffAdminSite: it signs staff in through allauth
# (rate-limited, with two-factor) and groups the models for them.

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("privacy/", include("privacy.urls")),
    path("terms/", privacy_documents.terms, name="terms"),
    path("billing/", include("billing.urls")),
    path("profile/", include("profiles.urls")),
    path("taxonomy/", include("taxonomy.urls")),
    path("recruiters/", include("recruiters.urls")),
    path("p/", include("recruiters.packet_urls")),
    path("email/", include("communications.urls")),
    path("support/", include("support.urls")),
    path("community/", include("community.urls")),
    path("jsi18n/<str:language>/", views.javascript_catalog, name="javascript-catalog"),
    path("admin/", admin.site.urls),
]

if settings.BENCH_MINIMAL_VIEW:
    # Never on by default: only bench/pages.py turns it on (BENCH_MINIMAL_VIEW=1).
    urlpatterns.append(path("bench/minimal/", views.bench_minimal, name="bench_minimal"))
