"""The staff area's home: each role lands where its work is (executive on reporting; see roles.py)."""

from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.home import HomeView

from ..roles import landing_url_name

_wagtail_home = HomeView.as_view()


@never_cache
@require_admin_access
def staff_home(request):
    url_name = landing_url_name(request.user)
    if url_name:
        return redirect(url_name)
    return _wagtail_home(request)
