from django.urls import path

from . import views

app_name = "insight"

urlpatterns = [
    path("engagements/<uuid:code>/insight/", views.home, name="home"),
    path(
        "engagements/<uuid:code>/insight/assessments/start/",
        views.assessment_start,
        name="assessment_start",
    ),
    path("assessments/<uuid:code>/", views.assessment, name="assessment"),
    path("assessments/<uuid:code>/result/", views.assessment_result, name="assessment_result"),
    path("engagements/<uuid:code>/insight/campaigns/new/", views.campaign_new, name="campaign_new"),
    path("campaigns/<uuid:code>/", views.campaign, name="campaign"),
    path("campaigns/<uuid:code>/raters/", views.campaign_raters, name="campaign_raters"),
    path("campaigns/<uuid:code>/open/", views.campaign_open, name="campaign_open"),
    path("campaigns/<uuid:code>/close/", views.campaign_close, name="campaign_close"),
    path("campaigns/<uuid:code>/debriefed/", views.campaign_debriefed, name="campaign_debriefed"),
    path("campaigns/<uuid:code>/rerun/", views.campaign_rerun, name="campaign_rerun"),
    path("campaigns/<uuid:code>/report/", views.campaign_report, name="campaign_report"),
    path("raters/<uuid:code>/remove/", views.rater_remove, name="rater_remove"),
    path("comments/<uuid:code>/hold/", views.comment_hold, name="comment_hold"),
    path("r/<str:token>/", views.rate, name="rate"),
    path("r/<str:token>/decline/", views.rate_decline, name="rate_decline"),
    path("engagements/<uuid:code>/journal/", views.journal, name="journal"),
    path("journal/<uuid:code>/", views.journal_entry, name="journal_entry"),
    path("journal/<uuid:code>/share/", views.journal_share, name="journal_share"),
    path("journal/<uuid:code>/delete/", views.journal_delete, name="journal_delete"),
]
