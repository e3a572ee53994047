"""Documentation pages (mounted at /documentation/)."""

from django.urls import path

from haven.documentation import views

urlpatterns = [
    path("", views.overview, name="documentation-overview"),
    path("map/", views.map_page, name="documentation-map"),
    path("heritage/new/", views.heritage_new, name="heritage-new"),
    path("heritage/<str:pk>/", views.heritage_page, name="heritage-detail"),
    path("households/<str:ref>/", views.household_homes_page, name="homes-of-origin"),
    path("files/<str:pk>/", views.file_view, name="documentation-file"),
    path("evidence/", views.evidence_page, name="evidence-export"),
]
