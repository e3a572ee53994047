from django.urls import path

from haven.intake.importing import views

urlpatterns = [
    path("", views.import_new, name="import-new"),
    path("<int:job>/", views.import_job, name="import-job"),
    path("<int:job>/progress/", views.import_job_progress, name="import-job-progress"),
    path("<int:job>/report.csv", views.import_job_report, name="import-job-report"),
]
