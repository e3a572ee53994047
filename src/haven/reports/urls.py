from django.urls import path

from haven.reports import views

urlpatterns = [
    path("", views.dashboard, name="reports-dashboard"),
    path("print/", views.printable, name="reports-print"),
    path("sitrep.pdf", views.pdf, name="reports-pdf"),
    path("charts/<slug:key>.svg", views.chart, name="reports-chart"),
    path("open-data.csv", views.open_data_csv, name="reports-open-data-csv"),
    path("open-data.xlsx", views.open_data_xlsx, name="reports-open-data-xlsx"),
]
