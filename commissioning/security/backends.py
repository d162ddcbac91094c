from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check for every sign-in made over the web.

    ``authenticate()`` without a request only happens in code we run ourselves (the shell, the test
    client's ``login``): there is no client address to lock, so the check is skipped rather than failing.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_username(request, credentials):
    """The name django-axes counts failures against: emails match case-insensitively at sign-in
    (UserManager.get_by_natural_key), so "Sam@X" and "sam@x" must share one count."""
    from django.conf import settings

    field = settings.AXES_USERNAME_FORM_FIELD
    value = (credentials or {}).get(field) or request.POST.get(field, "")
    return str(value).strip().lower()
