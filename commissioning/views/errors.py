"""Error pages Django shows instead of a view's response."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.shortcuts import render

from ..text_limits import LONG_TEXT_MAX_CHARS


def _megabytes(size):
    return f"{size / (1024 * 1024):g} MB"


def bad_request(request, exception=None):
    """Django's 400 handler. A form too big to read (``DATA_UPLOAD_MAX_MEMORY_SIZE``, too many fields or files)
    gets a page that says the limit and what to do, with 413 for a body that is too large; anything else the
    plain "request not understood" page. The same GOV.UK page serves the portal, the public site and the staff
    admin: it needs nothing from the request it could not read."""
    status, limit = 400, None
    if isinstance(exception, RequestDataTooBig):
        status = 413
        limit = (
            f"The form you sent was larger than {_megabytes(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)}, the most this "
            f"service accepts in one go (files you attach are counted separately). Each long answer can be up to "
            f"{LONG_TEXT_MAX_CHARS:,} characters."
        )
    elif isinstance(exception, TooManyFieldsSent):
        limit = (
            f"The form you sent had more than {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS:,} fields, the most this service "
            "accepts in one go."
        )
    elif isinstance(exception, TooManyFilesSent):
        limit = (
            f"The form you sent had more than {settings.DATA_UPLOAD_MAX_NUMBER_FILES:,} files, the most this service "
            "accepts in one go. Attach fewer files at a time."
        )
    return render(request, "400.html", {"limit": limit, "page_title": "The form was too big"}, status=status)
