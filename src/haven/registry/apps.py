from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "haven.registry"
    label = "registry"
    verbose_name = _("Registry")

    def ready(self) -> None:
        from haven.registry import integrity  # noqa: F401, PLC0415 - registers its checks
