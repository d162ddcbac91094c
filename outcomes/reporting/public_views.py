"""Open data for anyone: the 360Giving files. Only what 360Giving publishes (grant-level facts, no people)."""

from django.http import HttpResponse
from django.views.decorators.http import require_GET

from . import opendata

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _open_data(content, content_type, filename, disposition="attachment"):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def giving_json(request):
    return _open_data(opendata.package_json(), "application/json; charset=utf-8", "360giving.json", "inline")


@require_GET
def giving_csv(request):
    return _open_data(opendata.package_csv(), "text/csv; charset=utf-8", "360giving.csv")


@require_GET
def giving_xlsx(request):
    return _open_data(opendata.package_xlsx(), XLSX, "360giving.xlsx")
