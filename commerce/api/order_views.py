"""Orders in the API (the ``orders`` toggle: 403 ``feature_disabled``): the clinic's
products, placing an order, the patient's orders. Thin views over
``commerce.orders``."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from branding.api.pagination import ApiPagination, paginated_response
from branding.api.permissions import ClinicRequired, require_feature
from commerce.api.order_serializers import (
    OrderPlacedSerializer,
    OrderPlaceSerializer,
    OrderSerializer,
    ProductSerializer,
)
from commerce.models import OrderPayment
from commerce.orders.selectors import client_orders, products_on_sale
from commerce.orders.services import order_place
from payments.stripe_api import publishable_options
from payments.test_cards import test_cards_offered
from people.api.accounts import client_account_here
from people.models import Pet
from people.services import client_account_ensure

ORDERS = [IsAuthenticated, ClinicRequired, require_feature("orders")]


class ProductListView(APIView):
    permission_classes = ORDERS
    pagination_class = ApiPagination

    @extend_schema(tags=["shop"], responses=ProductSerializer(many=True))
    def get(self, request):
        products = products_on_sale(request.clinic).select_related("clinic")
        return paginated_response(
            self, request, products, ProductSerializer, context={"request": request}
        )


class OrderListView(APIView):
    """GET: the patient's orders, newest first (``pet`` narrows to one pet's).
    POST: place an order for pick-up; paid at order, ``payment`` carries the purchase
    to confirm."""

    permission_classes = ORDERS
    pagination_class = ApiPagination

    @extend_schema(
        tags=["shop"],
        responses=OrderSerializer(many=True),
        parameters=[OpenApiParameter("pet", int, required=False, description="A pet's id.")],
    )
    def get(self, request):
        client = client_account_here(request)
        pet = None
        given = request.query_params.get("pet", "")
        if given and not given.isdigit():
            raise serializers.ValidationError({"pet": [_("A pet's id is a whole number.")]})
        if given.isdigit():
            pet = Pet.objects.filter(
                clinic=request.clinic, owner=client, pk=request.query_params["pet"]
            ).first()
            if pet is None:
                return paginated_response(self, request, [], OrderSerializer)
        orders = client_orders(request.clinic, client, pet=pet)
        return paginated_response(self, request, orders, OrderSerializer)

    @extend_schema(
        tags=["shop"], request=OrderPlaceSerializer, responses={201: OrderPlacedSerializer}
    )
    def post(self, request):
        payload = OrderPlaceSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        client = client_account_ensure(clinic=request.clinic, user=request.user)
        data = payload.validated_data
        order = order_place(
            clinic=request.clinic,
            client=client,
            items=data["items"],
            pet_id=data["pet"],
            note=data["note"],
        )
        payment = None
        if order.payment == OrderPayment.AT_ORDER:
            payment = {
                "purchase": order.purchase,
                "client_secret": order.purchase.client_secret,
                **publishable_options(request.clinic),
                "test_cards": test_cards_offered(),
            }
        body = OrderPlacedSerializer({"order": order, "payment": payment}).data
        return Response(body, status=status.HTTP_201_CREATED)
