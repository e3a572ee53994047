"""Documentation pages (mounted at /documentation/)."""

from django.urls import path

from haven.documentation import testimony_views, views

urlpatterns = [
    path("", views.overview, name="documentation-overview"),
    path("map/", views.map_page, name="documentation-map"),
    path("heritage/new/", views.heritage_new, name="heritage-new"),
    path("heritage/<str:pk>/", views.heritage_page, name="heritage-detail"),
    path("households/<str:ref>/", views.household_homes_page, name="homes-of-origin"),
    path("files/<str:pk>/", views.file_view, name="documentation-file"),
    path("evidence/", views.evidence_page, name="evidence-export"),
    path("testimonies/", testimony_views.testimony_list_page, name="testimony-list"),
    path("testimonies/<str:pk>/", testimony_views.testimony_page, name="testimony-detail"),
    path("testimonies/<str:pk>/withdraw/", testimony_views.testimony_withdraw_page,
         name="testimony-withdraw"),
]
