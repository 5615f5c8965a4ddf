from django.urls import path

from . import security_views, views

# The calendar feed and the staff page list engagements: they sit above accounts and
# join these patterns, under the same names, in bearing/urls.py.
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
    path("invitations/<str:token>/", views.invitation_accept, name="invitation"),
    path("approvals/", views.approvals, name="approvals"),
    path("approvals/<uuid:code>/", views.approval_decide, name="approval_decide"),
]
