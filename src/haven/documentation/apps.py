from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentationConfig(AppConfig):
    name = "haven.documentation"
    label = "documentation"
    verbose_name = _("Documentation for return")

    def ready(self) -> None:
        from haven.documentation import integrity  # noqa: F401, PLC0415 - registers its checks
