from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("portal/", include("commissioning.urls")),
    path("portal/", include("outcomes.urls")),
    path("open-data/", include("outcomes.reporting.urls")),
    path("", include("cms.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's page serving last: it matches everything else.
urlpatterns += [path("", include(wagtail_urls))]

# A form too big to read gets a page that says the limit (413), not a bare "Bad Request (400)".
handler400 = "commissioning.views.errors.bad_request"
