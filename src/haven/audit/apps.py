from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "haven.audit"
    label = "audit"
    verbose_name = _("Audit log")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created  # noqa: PLC0415

        from haven.audit import integrity  # noqa: F401, PLC0415 - registers the chain check
        from haven.audit.erasure import register_sqlite_function  # noqa: PLC0415

        connection_created.connect(register_sqlite_function,
                                   dispatch_uid="haven.audit.erasable")
