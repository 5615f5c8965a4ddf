from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "bearing.audit"
    label = "audit"
