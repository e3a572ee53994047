from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class HomeConfig(AppConfig):
    name = "haven.home"
    label = "home"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Each app's `home_panels.py` registers the panels it offers (docs/home.md).
        autodiscover_modules("home_panels")
