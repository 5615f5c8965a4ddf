from django.urls import include, path

from . import staff, views
from .accounts import urls as accounts_urls
from .engagements import calendar_views
from .ops import health

# Accounts' pages, with the two that list engagements (the calendar feed and the staff
# page) joined from above, under the accounts names they have always had.
accounts_patterns = [
    *accounts_urls.urlpatterns,
    path("calendar/<str:token>.ics", calendar_views.calendar_feed, name="calendar_feed"),
    *staff.urlpatterns,
]

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("", include((accounts_patterns, accounts_urls.app_name))),
    path("", include("bearing.engagements.urls")),
    path("", include("bearing.workspace")),
    path("", include("bearing.growth.urls")),
    path("", include("bearing.companion.urls")),
    path("", include("bearing.practice.urls")),
    path("", include("bearing.exports.urls")),
    path("", include("bearing.rehearsals.urls")),
    path("", include("bearing.insight.urls")),
    path("", include("bearing.programs.urls")),
]

handler404 = "bearing.views.not_found"
# The database unavailable (locked, full, unreachable): a calm 503, never a traceback.
handler500 = "bearing.lib.unavailable.server_error"
