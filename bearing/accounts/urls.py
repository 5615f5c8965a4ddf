from django.urls import path

from . import security_views, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("login/code/", security_views.login_code, name="login_code"),
    path("login/setup/", security_views.login_setup, name="login_setup"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/complete/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("account/", views.account_settings, name="settings"),
    path("account/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("account/confirm/", security_views.confirm, name="confirm"),
    path("account/security/", security_views.security, name="security"),
    path(
        "account/security/authenticator/",
        security_views.authenticator_add,
        name="authenticator_add",
    ),
    path(
        "account/security/authenticator/remove/",
        security_views.authenticator_remove,
        name="authenticator_remove",
    ),
    path(
        "account/security/recovery-codes/",
        security_views.recovery_codes_renew,
        name="recovery_codes",
    ),
    path("account/sign-ins/", security_views.sign_ins, name="sign_ins"),
    path(
        "account/sign-ins/others/end/",
        security_views.sign_ins_end_others,
        name="sign_ins_end_others",
    ),
    path("account/sign-ins/<uuid:code>/end/", security_views.sign_in_end, name="sign_in_end"),
    path("account/calendar/", views.calendar, name="calendar"),
    path("account/calendar/replace/", views.calendar_reset, name="calendar_reset"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation"),
    path("staff/", views.staff, name="staff"),
    path("approvals/", views.approvals, name="approvals"),
    path("approvals/<uuid:code>/", views.approval_decide, name="approval_decide"),
    path("staff/organizations/", views.staff_organization_create, name="staff_organization"),
    path(
        "staff/organizations/<uuid:code>/companion-model/",
        views.staff_companion_model,
        name="staff_companion_model",
    ),
    path("staff/practices/", views.staff_practice_create, name="staff_practice"),
    path(
        "staff/practices/organizations/",
        views.staff_practice_organization,
        name="staff_practice_organization",
    ),
    path(
        "staff/practices/<uuid:code>/organizations/<uuid:organization_code>/remove/",
        views.staff_practice_organization_remove,
        name="staff_practice_organization_remove",
    ),
    path("staff/invitations/", views.staff_invite, name="staff_invite"),
    path(
        "staff/invitations/<uuid:code>/revoke/",
        views.staff_invitation_revoke,
        name="staff_invitation_revoke",
    ),
]
