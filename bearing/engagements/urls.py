from django.urls import path

from . import month, views

app_name = "engagements"

urlpatterns = [
    path("engagements/new/", views.engagement_create, name="create"),
    path("engagements/<uuid:code>/", views.engagement_detail, name="detail"),
    path("engagements/<uuid:code>/status/", views.engagement_status, name="status"),
    path("engagements/<uuid:code>/complete/", views.engagement_complete, name="complete"),
    path("engagements/<uuid:code>/end-early/", views.engagement_end_early, name="end_early"),
    path("engagements/<uuid:code>/reopen/", views.engagement_reopen, name="reopen"),
    path("engagements/<uuid:code>/agreement/", views.agreement, name="agreement"),
    path(
        "engagements/<uuid:code>/agreement/accept/", views.agreement_accept, name="agreement_accept"
    ),
    path("engagements/<uuid:code>/sessions/new/", views.session_new, name="session_new"),
    path("sessions/<uuid:code>/", views.session_detail, name="session_detail"),
    path("sessions/<uuid:code>/reschedule/", views.session_reschedule, name="session_reschedule"),
    path("sessions/<uuid:code>/cancel/", views.session_cancel, name="session_cancel"),
    path("sessions/<uuid:code>/restore/", views.session_restore, name="session_restore"),
    path("sessions/<uuid:code>/attendance/", views.session_attendance, name="session_attendance"),
    path("sessions/<uuid:code>/agenda/", views.agenda, name="agenda"),
    path("sessions/<uuid:code>/shared-notes/", views.shared_notes, name="shared_notes"),
    path(
        "sessions/<uuid:code>/shared-notes/history/",
        views.shared_notes_history,
        name="shared_notes_history",
    ),
    path("sessions/<uuid:code>/private-notes/", views.private_notes, name="private_notes"),
    path("sessions/<uuid:code>/commitments/", views.commitments, name="commitments"),
    path("actions/<uuid:code>/", views.action_edit, name="action_edit"),
    path("actions/<uuid:code>/done/", views.action_done, name="action_done"),
    path("calendar/month/", month.month_calendar, name="month_calendar"),
]
