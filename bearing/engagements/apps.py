from django.apps import AppConfig


class EngagementsConfig(AppConfig):
    name = "bearing.engagements"
    label = "engagements"

    def ready(self):
        from bearing.accounts.signals import invitation_accepted

        from .services import engagement_attach_coachee

        invitation_accepted.connect(
            engagement_attach_coachee, dispatch_uid="bearing-engagement-attach-coachee"
        )
