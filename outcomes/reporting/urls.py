"""Public open-data URLs (no login), mounted at /open-data/."""

from django.urls import path

from . import public_views

app_name = "opendata"

urlpatterns = [
    path("360giving.json", public_views.giving_json, name="360giving_json"),
    path("360giving.csv", public_views.giving_csv, name="360giving_csv"),
    path("360giving.xlsx", public_views.giving_xlsx, name="360giving_xlsx"),
]
