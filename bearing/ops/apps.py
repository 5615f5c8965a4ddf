from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "bearing.ops"
    label = "ops"
    verbose_name = "Operations"
