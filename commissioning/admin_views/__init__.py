"""Staff assessment screens, mounted in the Wagtail admin under /admin/assessment/ by wagtail_hooks.

A refused person gets Wagtail's own answer to PermissionDenied (back to the admin home with a message),
as on every other staff screen."""

from django.urls import path

from . import views

app_name = "assessment_admin"


urlpatterns = [
    path("", views.index, name="index"),
    path("call/<int:call_pk>/applications/", views.application_list, name="applications"),
    path("call/<int:call_pk>/bulk-assign/", views.bulk_assign, name="bulk_assign"),
    path("call/<int:call_pk>/moderation/", views.moderation, name="moderation"),
    path("call/<int:call_pk>/release/", views.release, name="release"),
    path("call/<int:call_pk>/export/<str:fmt>/", views.export, name="export"),
    path("application/<int:pk>/", views.application_detail, name="application"),
    path("application/<int:pk>/eligibility/", views.eligibility, name="eligibility"),
    path("application/<int:pk>/assign/", views.assign, name="assign"),
    path("application/<int:pk>/declare/", views.declare, name="declare"),
    path("application/<int:pk>/score/", views.score, name="score"),
    path("application/<int:pk>/moderate/", views.moderate, name="moderate"),
    path("application/<int:pk>/decide/", views.decide, name="decide"),
    path("assessment/<int:assessment_pk>/reopen/", views.reopen, name="reopen"),
    path("attachment/<uuid:token>/download/", views.download_attachment, name="attachment"),
]
