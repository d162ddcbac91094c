from django.urls import path

from .views import portal

app_name = "outcomes_portal"

urlpatterns = [
    path("awards/", portal.award_list, name="awards"),
    path("awards/<int:pk>/", portal.award_detail, name="award"),
    path("awards/<int:pk>/accept/", portal.accept, name="accept"),
    path("awards/<int:pk>/decline/", portal.decline, name="decline"),
    path("awards/<int:pk>/agreement/", portal.agreement, name="agreement"),
    path("returns/<int:pk>/", portal.return_edit, name="return"),
    path("returns/<int:pk>/template.xlsx", portal.return_template, name="return_template"),
    path("returns/<int:pk>/upload/", portal.return_upload, name="return_upload"),
]
