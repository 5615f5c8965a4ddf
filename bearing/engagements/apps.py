from django.apps import AppConfig


class EngagementsConfig(AppConfig):
    name = "bearing.engagements"
    label = "engagements"

    def ready(self):
        from bearing.accounts.signals import invitation_accepted

        from .policy import register_kinds
        from .services import engagement_attach_coachee

        register_kinds()

        invitation_accepted.connect(
            engagement_attach_coachee, dispatch_uid="bearing-engagement-attach-coachee"
        )
