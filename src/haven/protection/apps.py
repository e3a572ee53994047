from django.apps import AppConfig


class ProtectionConfig(AppConfig):
    name = "haven.protection"
    label = "protection"
    verbose_name = "Care and protection"

    def ready(self) -> None:
        # The referrals and identified casualties a site holds grant it an outline of the
        # person (haven.registry.selectors.outline_grant_register): no more than that.
        from haven.protection.grants import register_grants  # noqa: PLC0415

        register_grants()
