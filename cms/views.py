from django.core.paginator import Paginator
from django.http import QueryDict
from django.template.response import TemplateResponse
from wagtail.models import Page

RESULTS_PER_PAGE = 10


def search(request):
    """Full-text search over the live, public pages (Wagtail's database search backend)."""
    query = request.GET.get("query", "").strip()[:200]
    results = None
    if query:
        pages = Page.objects.live().public().search(query)
        results = Paginator(pages, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    search_query_string = QueryDict(mutable=True)
    search_query_string["query"] = query
    return TemplateResponse(
        request,
        "cms/search.html",
        {"query": query, "results": results, "search_query_string": search_query_string.urlencode()},
    )
