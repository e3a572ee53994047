from django.apps import AppConfig


class TracingConfig(AppConfig):
    name = "haven.tracing"
    label = "tracing"
    verbose_name = "Family tracing"

    def ready(self) -> None:
        # Every registration and arrival, from every channel, is checked against the open
        # requests and for children without an adult (haven.registry.events).
        from haven.registry.events import registry_observe  # noqa: PLC0415
        from haven.tracing.alerts import on_registry_event  # noqa: PLC0415

        registry_observe("tracing", on_registry_event)
