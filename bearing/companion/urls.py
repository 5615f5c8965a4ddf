from django.urls import path

from . import views

app_name = "companion"

urlpatterns = [
    path("engagements/<uuid:code>/companion/", views.home, name="home"),
    path("companion/<uuid:code>/", views.conversation, name="conversation"),
    path("engagements/<uuid:code>/role-play/", views.roleplay_home, name="roleplay_home"),
    path("role-play/<uuid:code>/", views.roleplay, name="roleplay"),
    path("companion/<uuid:code>/share/", views.share, name="share"),
    path("coach/transcripts/", views.transcript, name="transcript"),
    path("companion/<uuid:code>/delete/", views.delete, name="delete"),
    path("companion/<uuid:code>/action/", views.to_action, name="to_action"),
    path("companion/<uuid:code>/ask-coach/", views.ask_coach, name="ask_coach"),
    path("staff/support/", views.staff_support, name="staff_support"),
    path(
        "staff/support/<uuid:code>/",
        views.staff_support_organization,
        name="staff_support_organization",
    ),
]
