from django.apps import AppConfig


class LibConfig(AppConfig):
    name = "bearing.lib"
    label = "lib"

    def ready(self) -> None:
        from django.db.models.signals import post_save, pre_save

        from . import checks  # noqa: F401  (registers Bearing's deployment checks)
        from .fields import clear_raw_save, mark_raw_save

        pre_save.connect(mark_raw_save, dispatch_uid="bearing-encrypted-raw-save")
        post_save.connect(clear_raw_save, dispatch_uid="bearing-encrypted-raw-save-done")
