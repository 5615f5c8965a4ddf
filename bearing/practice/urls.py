from django.urls import path

from . import views

app_name = "practice"

urlpatterns = [
    path("engagements/<uuid:code>/decisions/", views.decisions, name="decisions"),
    path(
        "engagements/<uuid:code>/decisions/calibration/",
        views.calibration,
        name="calibration",
    ),
    path("decisions/<uuid:code>/", views.decision, name="decision"),
    path("decisions/<uuid:code>/step/<slug:step>/", views.decision_step, name="decision_step"),
    path("decisions/<uuid:code>/decide/", views.decision_decide, name="decision_decide"),
    path("decisions/<uuid:code>/reflect/", views.decision_reflect, name="decision_reflect"),
    path("decisions/<uuid:code>/review/", views.decision_review, name="decision_review"),
    path("decisions/<uuid:code>/share/", views.decision_share, name="decision_share"),
    path("decisions/<uuid:code>/delete/", views.decision_delete, name="decision_delete"),
    path("predictions/<uuid:code>/resolve/", views.prediction_resolve, name="prediction_resolve"),
]
