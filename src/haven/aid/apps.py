from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AidConfig(AppConfig):
    name = "haven.aid"
    label = "aid"
    verbose_name = _("Aid")

    def ready(self) -> None:
        from haven.aid import integrity  # noqa: F401, PLC0415 - registers its checks
