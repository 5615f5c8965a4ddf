from django.urls import path

from . import views

app_name = "growth"

urlpatterns = [
    path("engagements/<uuid:code>/plan/", views.plan, name="plan"),
    path("engagements/<uuid:code>/check-in/", views.check_in, name="check_in"),
    path("engagements/<uuid:code>/check-ins/", views.check_ins, name="check_ins"),
    path("check-ins/<uuid:code>/correct/", views.check_in_correct, name="check_in_correct"),
    path("check-ins/<uuid:code>/withdraw/", views.check_in_withdraw, name="check_in_withdraw"),
    path("engagements/<uuid:code>/wins/", views.wins, name="wins"),
    path("engagements/<uuid:code>/rhythm/", views.rhythm, name="rhythm"),
    path("engagements/<uuid:code>/summaries/", views.summaries, name="summaries"),
    path("summaries/<uuid:code>/decide/", views.summary_decide, name="summary_decide"),
    path("sessions/<uuid:code>/brief/", views.session_brief, name="brief"),
    path("goals/<uuid:code>/", views.goal_detail, name="goal"),
    path("goals/<uuid:code>/accept/", views.goal_accept, name="goal_accept"),
    path("goals/<uuid:code>/share/", views.goal_share, name="goal_share"),
    path("goals/<uuid:code>/status/", views.goal_status, name="goal_status"),
    path("goals/<uuid:code>/raise-target/", views.goal_raise_target, name="goal_raise_target"),
    path("milestones/<uuid:code>/reached/", views.milestone_reached, name="milestone_reached"),
    path("account/reminders/", views.reminder_settings, name="reminder_settings"),
    path("reminders/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
