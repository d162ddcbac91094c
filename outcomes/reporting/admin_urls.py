from django.urls import path

from . import data_views, views

app_name = "reporting"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("theme/<slug:slug>/", views.theme_detail, name="theme"),
    path("project/<int:pk>/", views.project_detail, name="project"),
    path("board-pack.xlsx", views.board_pack, name="board_pack"),
    path("data/", data_views.data_index, name="data"),
    path("data/<slug:kind>/export.<str:fmt>", data_views.export_data, name="export"),
    path("data/<slug:kind>/import/", data_views.import_data, name="import"),
]
