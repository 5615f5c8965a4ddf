from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("", include("bearing.accounts.urls")),
    path("", include("bearing.engagements.urls")),
    path("", include("bearing.workspace")),
    path("", include("bearing.growth.urls")),
    path("", include("bearing.companion.urls")),
    path("", include("bearing.exports.urls")),
    path("sponsor/", include("bearing.programs.urls")),
]

handler404 = "bearing.views.not_found"
# The database unavailable (locked, full, unreachable): a calm 503, never a traceback.
handler500 = "bearing.lib.unavailable.server_error"
