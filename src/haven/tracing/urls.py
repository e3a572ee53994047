from django.urls import path

from haven.tracing import views

urlpatterns = [
    path("tracing/", views.request_list, name="tracing-list"),
    path("tracing/requests/new/", views.request_new, name="tracing-request-new"),
    path("tracing/requests/<str:pk>/", views.request_detail, name="tracing-request"),
    path("tracing/children/", views.children, name="tracing-children"),
    path("tracing/safe-and-well/", views.safe_and_well_desk, name="tracing-safe-and-well"),
    path("safe-and-well/", views.safe_and_well_public, name="safe-and-well-public"),
]
