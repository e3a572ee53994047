from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "haven.registry"
    label = "registry"
    verbose_name = _("Registry")

    def ready(self) -> None:
        # Each module registers its checks: the data's invariants, the demo users' password.
        from haven.registry import checks, integrity  # noqa: F401, PLC0415
