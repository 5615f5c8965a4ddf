from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "bearing.programs"
    label = "programs"
