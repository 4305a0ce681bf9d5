"""The shop API for the mobile apps: thin views over ``commerce`` services and
selectors, with the portal's rules (``packages`` and ``gift_cards`` toggles: 403
``feature_disabled``). A gift card pays at a booking's checkout as a voucher
(``commerce:gift:<code>``, POST /api/v1/bookings/<id>/checkout)."""

from allauth.core import ratelimit
from django.http import Http404, HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from booking_api.coverage import cover_options
from booking_api.selectors import service_by_ref
from branding.api.pagination import ApiPagination, paginated_response
from branding.api.permissions import ClinicRequired, require_feature
from commerce import receipts
from commerce.api.serializers import (
    CoverOptionSerializer,
    GiftCardBalanceSerializer,
    GiftCardBoughtSerializer,
    GiftCardBuySerializer,
    GiftCardLookupSerializer,
    PackageEntrySerializer,
    PackageSerializer,
    PlanSerializer,
    PurchaseConfirmSerializer,
    PurchaseSerializer,
    PurchaseStartedSerializer,
)
from commerce.giftcards.selectors import gift_cards_bought_by
from commerce.giftcards.services import gift_card_buy_start, gift_card_lookup
from commerce.models import PurchaseStatus
from commerce.packages.selectors import (
    client_packages,
    package_entries,
    package_for_client,
    plans_on_sale,
)
from commerce.packages.services import package_buy_start
from commerce.purchases import purchase_confirm
from commerce.selectors import client_purchases, purchase_for_client
from payments.stripe_api import publishable_options
from payments.test_cards import test_cards_offered
from people.api.accounts import client_account_here
from people.services import client_account_ensure

PACKAGES = [IsAuthenticated, ClinicRequired, require_feature("packages")]
SIGNED_IN = [IsAuthenticated, ClinicRequired]


class PlanListView(APIView):
    permission_classes = PACKAGES
    pagination_class = ApiPagination

    @extend_schema(tags=["shop"], responses=PlanSerializer(many=True))
    def get(self, request):
        return paginated_response(self, request, plans_on_sale(request.clinic), PlanSerializer)


class PlanBuyView(APIView):
    """Start buying a package: the purchase and its PaymentIntent. Confirm with
    POST /purchases/<id>/confirm (or Stripe.js); the package is yours once it is paid."""

    permission_classes = PACKAGES

    @extend_schema(tags=["shop"], request=None, responses={201: PurchaseStartedSerializer})
    def post(self, request, pk):
        client = client_account_ensure(clinic=request.clinic, user=request.user)
        purchase = package_buy_start(clinic=request.clinic, client=client, plan_id=pk)
        body = {
            "purchase": purchase,
            "client_secret": purchase.client_secret,
            **publishable_options(request.clinic),
            "test_cards": test_cards_offered(),
        }
        return Response(PurchaseStartedSerializer(body).data, status=status.HTTP_201_CREATED)


class PackageListView(APIView):
    permission_classes = PACKAGES
    pagination_class = ApiPagination

    @extend_schema(tags=["shop"], responses=PackageSerializer(many=True))
    def get(self, request):
        client = client_account_here(request)
        return paginated_response(
            self, request, client_packages(request.clinic, client), PackageSerializer
        )


class PackageHistoryView(APIView):
    permission_classes = PACKAGES
    pagination_class = ApiPagination

    @extend_schema(tags=["shop"], responses=PackageEntrySerializer(many=True))
    def get(self, request, pk):
        client = client_account_here(request)
        package = package_for_client(request.clinic, client, pk)
        if package is None:
            raise Http404("No such package.")
        entries = package_entries(request.clinic, package)
        return paginated_response(self, request, entries, PackageEntrySerializer)


class PackageOptionsView(APIView):
    """The sessions the patient may use for a service (nothing is used until they send
    one as ``package`` with POST /api/v1/bookings)."""

    permission_classes = PACKAGES
    pagination_class = ApiPagination

    @extend_schema(
        tags=["shop"],
        responses=CoverOptionSerializer(many=True),
        parameters=[OpenApiParameter("service", str, required=True, description="Id or key.")],
    )
    def get(self, request):
        client = client_account_here(request)
        service = service_by_ref(request.clinic, request.query_params.get("service", ""))
        options = cover_options(clinic=request.clinic, client=client, service=service)
        return paginated_response(self, request, options, CoverOptionSerializer)


class PurchaseListView(APIView):
    permission_classes = SIGNED_IN
    pagination_class = ApiPagination

    @extend_schema(tags=["shop"], responses=PurchaseSerializer(many=True))
    def get(self, request):
        client = client_account_here(request)
        purchases = client_purchases(request.clinic, client, paid_only=True)
        return paginated_response(self, request, purchases, PurchaseSerializer)


class PurchaseDetailView(APIView):
    permission_classes = SIGNED_IN

    @extend_schema(tags=["shop"], responses=PurchaseSerializer)
    def get(self, request, pk):
        purchase = purchase_for_client(request.clinic, client_account_here(request), pk=pk)
        return Response(PurchaseSerializer(purchase).data)


class PurchaseConfirmView(APIView):
    permission_classes = SIGNED_IN

    @extend_schema(tags=["shop"], request=PurchaseConfirmSerializer, responses=PurchaseSerializer)
    def post(self, request, pk):
        purchase = purchase_for_client(request.clinic, client_account_here(request), pk=pk)
        payload = PurchaseConfirmSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        purchase = purchase_confirm(
            purchase=purchase, payment_method=payload.validated_data["payment_method"]
        )
        return Response(PurchaseSerializer(purchase).data)


class PurchaseReceiptView(APIView):
    permission_classes = SIGNED_IN

    @extend_schema(tags=["shop"], responses={(200, "application/pdf"): bytes})
    def get(self, request, pk):
        purchase = purchase_for_client(request.clinic, client_account_here(request), pk=pk)
        if purchase.status != PurchaseStatus.SUCCEEDED:
            raise Http404("No receipt: the purchase has not been paid.")
        response = HttpResponse(
            receipts.purchase_receipt_pdf(purchase), content_type="application/pdf"
        )
        name = receipts.purchase_receipt_filename(purchase)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


GIFT_CARDS = [IsAuthenticated, ClinicRequired, require_feature("gift_cards")]


class GiftCardBuyView(APIView):
    """Buy a gift card for someone: confirm the purchase with
    POST /purchases/<id>/confirm (or Stripe.js); it is emailed on ``deliver_on``."""

    permission_classes = GIFT_CARDS

    @extend_schema(
        tags=["shop"], request=GiftCardBuySerializer, responses={201: PurchaseStartedSerializer}
    )
    def post(self, request):
        payload = GiftCardBuySerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        client = client_account_ensure(clinic=request.clinic, user=request.user)
        purchase = gift_card_buy_start(
            clinic=request.clinic, client=client, **payload.validated_data
        )
        body = {
            "purchase": purchase,
            "client_secret": purchase.client_secret,
            **publishable_options(request.clinic),
            "test_cards": test_cards_offered(),
        }
        return Response(PurchaseStartedSerializer(body).data, status=status.HTTP_201_CREATED)


class GiftCardsBoughtView(APIView):
    permission_classes = GIFT_CARDS
    pagination_class = ApiPagination

    @extend_schema(tags=["shop"], responses=GiftCardBoughtSerializer(many=True))
    def get(self, request):
        cards = gift_cards_bought_by(request.clinic, client_account_here(request))
        return paginated_response(self, request, cards, GiftCardBoughtSerializer)


class GiftCardLookupView(APIView):
    """A gift card's balance by its code, for whoever holds it (no sign-in needed),
    limited per client address (429 ``too_many_lookups``)."""

    permission_classes = [ClinicRequired, require_feature("gift_cards")]
    authentication_classes = []

    @extend_schema(
        tags=["shop"], request=GiftCardLookupSerializer, responses=GiftCardBalanceSerializer
    )
    def post(self, request):
        payload = GiftCardLookupSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        card = gift_card_lookup(
            clinic=request.clinic,
            code=payload.validated_data["code"],
            allowed=ratelimit.consume(request, action="gift_card_lookup"),
        )
        return Response(GiftCardBalanceSerializer(card).data)
