"""OpenRosa addresses, each under `<site>/` and, for token devices, `key/<token>/<site>/`."""

from __future__ import annotations

from django.urls import URLPattern, path

from haven.intake.openrosa import views

app_name = "openrosa"


def _routes(prefix: str, name_prefix: str) -> list[URLPattern]:
    return [
        path(f"{prefix}<slug:site>/formList", views.form_list, name=f"{name_prefix}form-list"),
        path(f"{prefix}<slug:site>/forms/<str:form_id>/form.xml", views.form_download,
             name=f"{name_prefix}form-download"),
        path(f"{prefix}<slug:site>/forms/<str:form_id>/manifest", views.form_manifest,
             name=f"{name_prefix}form-manifest"),
        path(f"{prefix}<slug:site>/submission", views.submission,
             name=f"{name_prefix}submission"),
    ]


urlpatterns = [*_routes("", ""), *_routes("key/<str:token>/", "key-")]
