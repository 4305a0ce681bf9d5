"""The clinic's content for apps: the dashboard (the portal's cards, by the portal's
rules), the welcome text and booking instructions, content and policy pages, and the
booking policy's numbers. Every answer carries an ETag (``If-None-Match`` → 304) and
``Cache-Control: no-cache``; a person's own content is also ``private``.

Thin: the dashboard is ``portal_pages.selectors.dashboard_for``, exactly what the
portal's home page shows the same person; pages are ``content_pages``."""

import zoneinfo

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from branding.api.caching import body_cached_response, cached_response, version_etag
from branding.api.permissions import ClinicRequired
from branding.rich_text import rich_text_html, rich_text_plain
from branding.selectors import clinic_features, clinic_policy
from people.selectors import client_account_for_user
from portal_pages.api.cards import dashboard_data, origin, policy_data
from portal_pages.api.serializers import (
    ContentSerializer,
    DashboardSerializer,
    PageSerializer,
    PageSummarySerializer,
    PolicyAnswerSerializer,
)
from portal_pages.policy import fill_policy_placeholders, policy_numbers, policy_version
from portal_pages.selectors import (
    client_booking_stats,
    content_page,
    content_pages,
    dashboard_for,
    home_page,
    visible_cards,
)

NOT_MODIFIED = OpenApiResponse(description="Not modified: the copy the app holds is current.")
PERMISSIONS = [AllowAny, ClinicRequired]


class DashboardView(APIView):
    """The dashboard this person sees in the portal: the same cards, in the manager's
    order, by the same feature, audience and date rules (a visitor counts as a new
    client and sees no personal cards). Each card is typed by ``type``."""

    permission_classes = PERMISSIONS

    @extend_schema(responses={200: DashboardSerializer, 304: NOT_MODIFIED}, tags=["content"])
    def get(self, request):
        clinic = request.clinic
        page = home_page(clinic)
        data = {"cards": []}
        if page is not None:
            dashboard = dashboard_for(clinic, request.user, page=page, request=request)
            data = dashboard_data(dashboard, clinic=clinic, request=request)
        # Per person, fed by many apps' rows: tagged by its content (built, not resent).
        return body_cached_response(request, data, private=True)


class ContentView(APIView):
    """The clinic's words for the app: the welcome text (the first welcome card this
    person sees on the dashboard) and the booking instructions (shown before booking,
    in the booking wizard and in the confirmation email)."""

    permission_classes = PERMISSIONS

    @extend_schema(responses={200: ContentSerializer, 304: NOT_MODIFIED}, tags=["content"])
    def get(self, request):
        clinic = request.clinic
        instructions = clinic_policy(clinic).booking_instructions
        data = {
            "welcome": self._welcome(request, clinic),
            "booking_instructions": rich_text_html(instructions, origin=origin(request)),
            "booking_instructions_text": rich_text_plain(instructions, origin=origin(request)),
        }
        return body_cached_response(request, ContentSerializer(data).data, private=True)

    def _welcome(self, request, clinic):
        page = home_page(clinic)
        if page is None:
            return None
        client = client_account_for_user(clinic, request.user)
        today = timezone.localdate(timezone.now(), zoneinfo.ZoneInfo(clinic.timezone))
        cards = visible_cards(
            clinic,
            page,
            features=clinic_features(clinic),
            client=client,
            stats=client_booking_stats(clinic, client),
            today=today,
        )
        for card in cards:
            if card.block_type == "welcome":
                return {
                    "id": card.id,
                    "heading": card.block.shown_text(card.value, "heading"),
                    "text": rich_text_html(card.value.get("text"), origin=origin(request)),
                }
        return None


def _page_type(page) -> str:
    from portal_pages.models import PolicyPage

    return "policy" if issubclass(page.specific_class, PolicyPage) else "content"


def _parents(pages) -> dict:
    """Parent path → parent id for these pages, in one query."""
    from wagtail.models import Page

    paths = {page.path[: -Page.steplen] for page in pages}
    return dict(Page.objects.filter(path__in=paths).values_list("path", "pk"))


def _summary(page, *, clinic, parents, request) -> dict:
    from wagtail.models import Page

    _site, _root, path = page.get_url_parts(request=request) or (None, None, None)
    parent = parents.get(page.path[: -Page.steplen])
    return {
        "id": page.pk,
        "type": _page_type(page),
        "title": page.title,
        "slug": page.slug,
        "parent": None if parent == clinic.site.root_page_id else parent,
        "url": request.build_absolute_uri(path) if path else None,
        "last_published_at": page.last_published_at,
    }


class PageListView(ListAPIView):
    """The clinic's published content and policy pages (public ones), in the order of
    the portal's page tree. Paged like every list."""

    permission_classes = PERMISSIONS
    serializer_class = PageSummarySerializer

    def get_queryset(self):
        return content_pages(self.request.clinic)

    @extend_schema(
        responses={200: PageSummarySerializer(many=True), 304: NOT_MODIFIED}, tags=["content"]
    )
    def get(self, request, *args, **kwargs):
        clinic = request.clinic
        pages = self.get_queryset()
        key = tuple(pages.values_list("pk", "live_revision_id", "url_path", "title", "slug"))
        etag = version_etag("pages", request.get_full_path(), request.get_host(), key)

        def build():
            chunk = self.paginate_queryset(pages)
            parents = _parents(chunk)
            data = [_summary(p, clinic=clinic, parents=parents, request=request) for p in chunk]
            return self.get_paginated_response(self.get_serializer(data, many=True).data)

        return cached_response(request, etag, build, private=False)


class PageDetailView(APIView):
    """One content or policy page: its rich text rendered as HTML (a policy page's
    placeholders filled with the clinic's numbers, and the numbers themselves). Another
    clinic's page, a draft or a restricted page is 404."""

    permission_classes = PERMISSIONS

    @extend_schema(responses={200: PageSerializer, 304: NOT_MODIFIED}, tags=["content"])
    def get(self, request, page_id):
        clinic = request.clinic
        page = content_page(clinic, page_id)
        is_policy = _page_type(page) == "policy"
        etag = version_etag(
            "page",
            request.get_host(),
            page.pk,
            page.live_revision_id,
            page.last_published_at,
            page.url_path,
            policy_version(clinic) if is_policy else None,
        )

        def build():
            data = _summary(page, clinic=clinic, parents=_parents([page]), request=request)
            body = rich_text_html(page.body, origin=origin(request))
            if is_policy:
                body = fill_policy_placeholders(body, policy_numbers(clinic))
            data.update(
                body=body,
                show_summary=page.show_summary if is_policy else None,
                policy=policy_data(clinic) if is_policy else None,
            )
            return PageSerializer(data).data

        return cached_response(request, etag, build, private=False)


class PolicyView(APIView):
    """The clinic's booking policy: the numbers the booking engine enforces (raw and in
    words), and its policy page if it has one."""

    permission_classes = PERMISSIONS

    @extend_schema(responses={200: PolicyAnswerSerializer, 304: NOT_MODIFIED}, tags=["content"])
    def get(self, request):
        from portal_pages.models import PolicyPage

        clinic = request.clinic
        page_id = content_pages(clinic).type(PolicyPage).values_list("pk", flat=True).first()
        etag = version_etag("policy", page_id, policy_version(clinic))
        return cached_response(
            request,
            etag,
            lambda: PolicyAnswerSerializer({**policy_data(clinic), "page": page_id}).data,
            private=False,
        )
