from django.urls import include, path

from .views import portal

app_name = "portal"

urlpatterns = [
    path("sign-in/", portal.SignInView.as_view(), name="login"),
    path("sign-out/", portal.SignOutView.as_view(), name="logout"),
    path("", portal.dashboard, name="dashboard"),
    path("security/", include("commissioning.security.urls")),
]
