from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "haven.core"
    label = "core"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created  # noqa: PLC0415

        from haven.core import checks  # noqa: F401, PLC0415  (registers the checks; apps are ready)
        from haven.core.encryption import checks as encryption_checks  # noqa: F401, PLC0415
        from haven.core.text_search import register_sqlite_functions  # noqa: PLC0415

        connection_created.connect(register_sqlite_functions,
                                   dispatch_uid="haven.core.sqlite_functions")
        from haven.core import file_modes  # noqa: F401, PLC0415 - registers its checks
