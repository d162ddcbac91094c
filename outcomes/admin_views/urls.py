from django.urls import path

from . import views

app_name = "outcomes_admin"

urlpatterns = [
    path("awards/", views.award_index, name="awards"),
    path("awards/new/<int:application_id>/", views.award_create, name="award_create"),
    path("awards/<int:pk>/", views.award_detail, name="award"),
    path("awards/<int:pk>/vary/", views.award_vary, name="award_vary"),
    path("awards/<int:pk>/close/", views.award_close, name="award_close"),
    path("returns/", views.return_index, name="returns"),
    path("returns/<int:pk>/", views.return_review, name="return_review"),
    path("payments/", views.payment_index, name="payments"),
    path("payments/<int:pk>/approve/", views.payment_approve, name="payment_approve"),
    path("payments/<int:pk>/record/", views.payment_record, name="payment_record"),
]
