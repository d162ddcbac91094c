"""Reporting screens in the Wagtail admin: the executive dashboard, theme and project drill-down, and the
board pack download. Views stay thin: check permission, read through ``selectors``, render."""

from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone

from commissioning import audit
from commissioning.fiscal import current_financial_year
from commissioning.models import Theme
from commissioning.permissions import can
from commissioning.roles import Action
from outcomes.models import Award

from . import selectors
from .charts import bar_chart, stacked_bar_chart
from .forms import ReportFilterForm

PROJECTS_PER_PAGE = 50


def forbidden(request, message="You do not have permission to see reporting."):
    """Refuse the way every staff screen does: Wagtail's own handling of PermissionDenied (back to the
    person's home with "Sorry, you do not have permission to access this area.")."""
    raise PermissionDenied(message)


def _filters(request):
    form = ReportFilterForm(request.GET or None, default_year=current_financial_year())
    return form, form.filters()


def _query(request):
    return urlencode({k: v for k, v in request.GET.items() if v})


def dashboard(request):
    if not can(request.user, Action.VIEW_REPORTING):
        return forbidden(request)
    form, filters = _filters(request)
    data = selectors.dashboard(filters)
    themes = data["themes"]
    spend = data["theme_spend"]
    data["spend_chart"] = bar_chart(
        title=f"Committed and paid by theme, {filters.year_label}",
        categories=[row.theme.short_name for row in spend],
        series=[("Committed", [row.committed for row in spend]), ("Paid", [row.paid for row in spend])],
    )
    quarters = data["paid_by_quarter"]
    data["quarter_chart"] = stacked_bar_chart(
        title=f"Paid by quarter, stacked by theme, {filters.year_label}",
        categories=[q.label for q, _ in quarters],
        series=[(t.short_name, [parts[t.slug] for _, parts in quarters]) for t in themes],
    )
    data["quarter_rows"] = [(q, [parts[t.slug] for t in themes], sum(parts.values())) for q, parts in quarters]
    data.update(rag_green=settings.RAG_GREEN_AT, rag_amber=settings.RAG_AMBER_AT)
    data.update(
        form=form,
        query=_query(request),
        can_board_pack=can(request.user, Action.EXPORT_BOARD_PACK),
        can_import=can(request.user, Action.IMPORT_DATA),
    )
    return TemplateResponse(request, "outcomes/reporting/dashboard.html", data)


def theme_detail(request, slug):
    if not can(request.user, Action.VIEW_REPORTING):
        return forbidden(request)
    theme = get_object_or_404(Theme, slug=slug)
    form, filters = _filters(request)
    rows = selectors.theme_projects(filters, theme.slug)
    totals = {
        "allocation": sum((r.allocation for r in rows), start=selectors.Decimal("0.00")),
        "paid": sum((r.paid for r in rows), start=selectors.Decimal("0.00")),
    }
    # Totals cover every project; the table shows a page at a time (a London-wide theme has hundreds).
    page = Paginator(rows, PROJECTS_PER_PAGE).get_page(request.GET.get("p"))
    return TemplateResponse(
        request,
        "outcomes/reporting/theme.html",
        {
            "theme": theme,
            "rows": page.object_list,
            "page": page,
            "total_count": len(rows),
            "elided_page_range": page.paginator.get_elided_page_range(page.number),
            "totals": totals,
            "form": form,
            "filters": filters,
            "query": _query(request),
        },
    )


def project_detail(request, pk):
    if not can(request.user, Action.VIEW_REPORTING):
        return forbidden(request)
    award = get_object_or_404(Award.objects.select_related("organisation", "call"), pk=pk)
    detail = selectors.project_detail(award)
    return TemplateResponse(
        request, "outcomes/reporting/project.html", {"detail": detail, "award": award, "query": _query(request)}
    )


def board_pack(request):
    if not can(request.user, Action.EXPORT_BOARD_PACK):
        return forbidden(request, "You do not have permission to download the board pack.")
    from .boardpack import build_board_pack

    _, filters = _filters(request)
    content = build_board_pack(filters)
    audit.record(
        actor=request.user,
        action="reporting.board_pack_downloaded",
        comment=f"Board pack for {filters.year_label}",
        data={"filters": filters.__dict__},
    )
    stamp = timezone.localdate().isoformat()
    year = (filters.year_label.replace("/", "-")).replace(" ", "-").lower()
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="bcsp-board-pack-{year}-{stamp}.xlsx"'
    return response
