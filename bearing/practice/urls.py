from django.urls import path

from . import board_views, transition_views, views

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

urlpatterns += [
    path("engagements/<uuid:code>/priorities/", board_views.board, name="board"),
    path("engagements/<uuid:code>/priorities/place/", board_views.board_place, name="board_place"),
    path("engagements/<uuid:code>/priorities/share/", board_views.board_share, name="board_share"),
    path(
        "engagements/<uuid:code>/priorities/rhythm/", board_views.board_rhythm, name="board_rhythm"
    ),
    path("engagements/<uuid:code>/weekly-review/", board_views.weekly_review, name="weekly_review"),
    path("board-items/<uuid:code>/move/", board_views.item_move, name="item_move"),
    path("board-items/<uuid:code>/delegate/", board_views.item_delegate, name="item_delegate"),
    path("board-items/<uuid:code>/done/", board_views.item_done, name="item_done"),
]

urlpatterns += [
    path("engagements/<uuid:code>/transitions/", transition_views.transitions, name="transitions"),
    path("transitions/<uuid:code>/", transition_views.transition, name="transition"),
    path(
        "transitions/<uuid:code>/stakeholders/",
        transition_views.stakeholder_add,
        name="stakeholder_add",
    ),
    path(
        "transitions/<uuid:code>/share/", transition_views.transition_share, name="transition_share"
    ),
    path("transitions/<uuid:code>/goal/", transition_views.transition_goal, name="transition_goal"),
    path(
        "stakeholders/<uuid:code>/remove/",
        transition_views.stakeholder_remove,
        name="stakeholder_remove",
    ),
]

urlpatterns += [
    path("decisions/<uuid:code>/bring/", views.decision_bring, name="decision_bring"),
    path("engagements/<uuid:code>/priorities/bring/", board_views.board_bring, name="board_bring"),
    path(
        "transitions/<uuid:code>/bring/", transition_views.transition_bring, name="transition_bring"
    ),
]
