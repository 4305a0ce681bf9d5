"""The one way every list under ``/api/v1/`` is paged: ``?page=<n>&page_size=<n>``,
answering ``{"count", "next", "previous", "results"}``. ``page_size`` defaults to 50 and
is capped at 100 (a larger one is read as 100); a page past the end is ``404
not_found``."""

from rest_framework.pagination import PageNumberPagination

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100


class ApiPagination(PageNumberPagination):
    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE


def paginated_response(view, request, items, serializer_class, **serializer_kwargs):
    """A list view's answer, paged: for an ``APIView`` whose ``pagination_class`` is
    ``ApiPagination`` (the schema then documents the paged shape too)."""
    paginator = ApiPagination()
    page = paginator.paginate_queryset(items, request, view=view)
    return paginator.get_paginated_response(
        serializer_class(page, many=True, **serializer_kwargs).data
    )
