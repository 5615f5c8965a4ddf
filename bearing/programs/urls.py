from django.urls import path

from . import views

app_name = "programs"

urlpatterns = [
    path("sponsor/engagements/<uuid:code>/", views.engagement, name="engagement"),
    path("sponsor/engagements/<uuid:code>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("programs/", views.home, name="home"),
    path("programs/new/", views.create, name="create"),
    path("programs/roster/", views.roster, name="roster"),
    path("programs/roster/all/", views.roster_staff, name="roster_staff"),
    path("programs/practices/<uuid:code>/", views.practice, name="practice"),
    path("programs/<uuid:code>/", views.detail, name="detail"),
    path("programs/<uuid:code>/invite/", views.invite, name="invite"),
    path("programs/<uuid:code>/dashboard/", views.dashboard, name="dashboard"),
    path("programs/<uuid:code>/dashboard.csv", views.dashboard_csv, name="dashboard_csv"),
    path("programs/<uuid:code>/report/", views.report, name="report"),
    path("programs/<uuid:code>/report.pdf", views.report_download, name="report_pdf"),
    path("programs/<uuid:code>/estimates/", views.estimate_add, name="estimate_add"),
    path("programs/estimates/<uuid:code>/remove/", views.estimate_remove, name="estimate_remove"),
    path("programs/seats/<uuid:code>/", views.seat, name="seat"),
    path("programs/seats/<uuid:code>/profile/", views.profile, name="profile"),
    path("programs/seats/<uuid:code>/other-coaches/", views.different, name="different"),
    path("programs/proposals/<uuid:code>/", views.proposal, name="proposal"),
    path("programs/proposals/<uuid:code>/choose/", views.choose, name="choose"),
    path("programs/proposals/<uuid:code>/call/", views.chemistry, name="chemistry"),
    path("programs/proposals/<uuid:code>/decide/", views.decide, name="decide"),
    path("programs/sessions/<uuid:code>/themes/", views.themes, name="themes"),
    path("programs/pulse/<uuid:code>/", views.pulse, name="pulse"),
]
