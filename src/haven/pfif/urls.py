"""The PFIF exchange page (mounted at /tracing/pfif/)."""

from django.urls import path

from haven.pfif import views

urlpatterns = [
    path("", views.exchange, name="pfif-exchange"),
]
