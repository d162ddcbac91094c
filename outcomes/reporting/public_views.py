"""Open data for anyone: the 360Giving files. Only what 360Giving publishes (grant-level facts, no people)."""

from django.http import HttpResponse
from django.views.decorators.http import require_GET

from . import opendata


@require_GET
def giving_json(request):
    response = HttpResponse(opendata.package_json(), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="360giving.json"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def giving_csv(request):
    response = HttpResponse(opendata.package_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="360giving.csv"'
    response["Access-Control-Allow-Origin"] = "*"
    return response
