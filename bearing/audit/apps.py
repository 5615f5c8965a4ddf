from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "bearing.audit"
    label = "audit"

    def ready(self):
        from .policy import register_kinds

        register_kinds()
