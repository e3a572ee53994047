"""Aid pages (mounted at /aid/)."""

from django.urls import path

from haven.aid import views

urlpatterns = [
    path("", views.overview, name="aid-overview"),
    path("donors/new/", views.donor_new, name="aid-donor-new"),
    path("rates/", views.rates, name="aid-rates"),
    path("contributions/new/", views.contribution_new, name="aid-contribution-new"),
    path("contributions/<str:pk>/", views.contribution_page, name="aid-contribution"),
    path("distributions/", views.distributions, name="aid-distributions"),
    path("households/<str:ref>/", views.household_page, name="aid-household"),
    path("export.csv", views.export_csv, name="aid-export-csv"),
    path("export.xlsx", views.export_xlsx, name="aid-export-xlsx"),
]
