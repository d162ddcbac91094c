from django.urls import include, path

from .views import portal
from .views import portal_accounts as accounts
from .views import portal_applications as apps

app_name = "portal"

urlpatterns = [
    path("sign-in/", portal.SignInView.as_view(), name="login"),
    path("sign-out/", portal.SignOutView.as_view(), name="logout"),
    path("", portal.dashboard, name="dashboard"),
    # Accounts
    path("sign-up/", accounts.sign_up, name="sign_up"),
    path("confirm-email/<str:token>/", accounts.confirm_email, name="confirm_email"),
    path("confirm-email-again/", accounts.resend_confirmation, name="resend_confirmation"),
    path("password-reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", accounts.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/", accounts.PasswordResetConfirmView.as_view(), name="password_reset_confirm"
    ),
    path("invitation/<uidb64>/<token>/", accounts.InvitationView.as_view(), name="invitation"),
    path("password-reset/done/", accounts.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    # Organisations
    path("organisation/", accounts.organisation, name="organisation"),
    path("organisation/new/", accounts.organisation_create, name="organisation_create"),
    path("organisation/join/", accounts.organisation_join, name="organisation_join"),
    path("organisation/<int:pk>/", accounts.organisation, name="organisation_detail"),
    path("organisation/<int:pk>/change/", accounts.organisation_edit, name="organisation_edit"),
    path("membership/<int:pk>/decide/", accounts.membership_decide, name="membership_decide"),
    # Calls and applications
    path("calls/<int:pk>/", apps.call_detail, name="call"),
    path("calls/<int:pk>/apply/", apps.application_start, name="application_start"),
    path("applications/<int:pk>/", apps.application_detail, name="application"),
    path("applications/<int:pk>/section/<slug:key>/", apps.section, name="section"),
    path("applications/<int:pk>/outcomes/new/", apps.outcome_edit, name="outcome_add"),
    path("applications/<int:pk>/outcomes/<int:outcome_pk>/", apps.outcome_edit, name="outcome_edit"),
    path("applications/<int:pk>/outcomes/<int:outcome_pk>/remove/", apps.outcome_delete, name="outcome_delete"),
    path("applications/<int:pk>/budget/<int:line_pk>/", apps.budget_line_edit, name="budget_line_edit"),
    path("applications/<int:pk>/budget/<int:line_pk>/remove/", apps.budget_line_delete, name="budget_line_delete"),
    # Files are named by a random token, never their sequential id (see Attachment.token).
    path("applications/<int:pk>/files/<uuid:token>/", apps.attachment_download, name="attachment_download"),
    path("applications/<int:pk>/files/<uuid:token>/remove/", apps.attachment_delete, name="attachment_delete"),
    path("applications/<int:pk>/submit/", apps.submit, name="submit"),
    path("applications/<int:pk>/submitted/", apps.submitted, name="submitted"),
    path("applications/<int:pk>/withdraw/", apps.withdraw, name="withdraw"),
    path("security/", include("commissioning.security.urls")),
]
