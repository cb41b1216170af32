from django.urls import path

from . import coverage, views

app_name = "recruiters"
urlpatterns = [
    path("matches/", views.matches, name="matches"),
    path("send/", views.send, name="send"),
    path("sends/", views.sends, name="sends"),
    path("sends/<int:pk>/revoke/", views.revoke, name="revoke"),
    path("sends/<int:pk>/introduction/", views.introduction, name="introduction"),
    path("opt-out/<str:token>/", views.opt_out, name="opt_out"),
    path("me/<str:token>/", views.own_page, name="own_page"),
    path("coverage/", coverage.count, name="coverage"),
]
