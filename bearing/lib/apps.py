from django.apps import AppConfig


class LibConfig(AppConfig):
    name = "bearing.lib"
    label = "lib"
