from django.urls import path

from . import languages, verify, views

urlpatterns = [
    path("settings/", views.account_settings, name="account_settings"),
    path("email/confirm-again/", verify.resend_confirmation, name="account_resend_confirmation"),
    path("language/", languages.choose_language, name="choose_language"),
    # The security page takes the place of allauth's sessions list (same address).
    path("sessions/", views.security, name="account_security"),
    path("sessions/<int:pk>/end/", views.end_session, name="account_end_session"),
    path("sessions/others/end/", views.end_other_sessions, name="account_end_other_sessions"),
    path("sessions/<int:pk>/not-me/", views.not_me_session, name="account_not_me_session"),
    path("sign-ins/<int:pk>/not-me/", views.not_me_sign_in, name="account_not_me_sign_in"),
    # Two-factor set-up takes the place of allauth's (same address and name).
    path("2fa/totp/activate/", views.activate_totp, name="mfa_activate_totp"),
]
