"""Who is acting in the current request, for audit entries written by signals (which get no request)."""

from contextvars import ContextVar

_current_actor = ContextVar("bcsp_current_actor", default=None)


def current_actor():
    user = _current_actor.get()
    return user if getattr(user, "is_authenticated", False) else None


class CurrentActorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_actor.set(getattr(request, "user", None))
        try:
            return self.get_response(request)
        finally:
            _current_actor.reset(token)
