from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "haven.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from haven.reports import checks  # noqa: F401, PLC0415 - registers the system checks
