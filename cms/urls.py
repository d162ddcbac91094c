from django.urls import path
from wagtail.contrib.sitemaps.views import sitemap

from . import views

app_name = "cms"

urlpatterns = [
    path("search/", views.search, name="search"),
    path("sitemap.xml", sitemap, name="sitemap"),
]
