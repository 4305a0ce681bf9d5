"""Memberships in the API for the mobile apps: plans, joining, the patient's own
memberships, fixing the card after a failed renewal, cancelling at period end. Thin
views over ``commerce.memberships`` with the portal's rules (the ``memberships``
toggle: 403 ``feature_disabled``)."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from booking_api.coverage import cover_options
from booking_api.selectors import service_by_ref
from branding.api.fields import MoneyDisplayField
from branding.api.pagination import ApiPagination, paginated_response
from branding.api.permissions import ClinicRequired, require_feature
from commerce.api.serializers import CoverOptionSerializer, PackageServiceSerializer
from commerce.memberships.cover import PREFIX
from commerce.memberships.selectors import (
    client_memberships,
    membership_for_client,
    membership_plans_on_sale,
)
from commerce.memberships.services import (
    membership_cancel,
    membership_card_update,
    membership_join,
)
from commerce.models import BillingInterval, MembershipStatus
from people.api.accounts import client_account_here
from people.services import client_account_ensure

MEMBERSHIPS = [IsAuthenticated, ClinicRequired, require_feature("memberships")]


class MembershipPlanSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField()
    interval = serializers.ChoiceField(choices=BillingInterval.choices)
    price = serializers.IntegerField(help_text="Minor units, each period.")
    currency = serializers.CharField(source="clinic.currency")
    price_display = MoneyDisplayField("price", "clinic.currency")
    discount_percent = serializers.IntegerField()
    discount_services = PackageServiceSerializer(
        many=True, source="discount_services.all", help_text="Empty: every service."
    )
    credits_per_period = serializers.IntegerField()
    credit_services = PackageServiceSerializer(many=True, source="credit_services.all")
    rollover = serializers.BooleanField(help_text="Unused credits roll over (else expire).")
    patients_may_cancel = serializers.BooleanField()
    agreement = serializers.IntegerField(
        source="agreement_id",
        help_text="The form template to sign (POST /api/v1/forms/<id>/sign) before joining.",
    )


class MembershipSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    ref = serializers.SerializerMethodField(
        help_text="Send as `package` to POST /api/v1/bookings to use a credit."
    )
    plan = serializers.IntegerField(source="plan_id")
    name = serializers.CharField()
    status = serializers.ChoiceField(
        choices=MembershipStatus.choices,
        help_text="`past_due`: the renewal failed, benefits are paused until the card is "
        "updated (POST /memberships/<id>/card).",
    )
    interval = serializers.ChoiceField(choices=BillingInterval.choices)
    price = serializers.IntegerField()
    currency = serializers.CharField()
    price_display = MoneyDisplayField("price")
    discount_percent = serializers.IntegerField()
    credits_left = serializers.IntegerField(source="balance", default=0)
    credit_services = PackageServiceSerializer(many=True, source="credit_services.all")
    next_renewal = serializers.DateTimeField(source="current_period_end", allow_null=True)
    cancel_at_period_end = serializers.BooleanField()
    patients_may_cancel = serializers.BooleanField()

    def get_ref(self, membership) -> str:
        return f"commerce:membership:{membership.pk}"


class MembershipJoinSerializer(serializers.Serializer):
    payment_method = serializers.CharField(
        max_length=255,
        help_text="A saved card's or the Payment Element's PaymentMethod id (a test card's "
        "name on the local test server). It becomes the card renewals are charged to.",
    )


class MembershipPlanListView(APIView):
    permission_classes = MEMBERSHIPS
    pagination_class = ApiPagination

    @extend_schema(tags=["shop"], responses=MembershipPlanSerializer(many=True))
    def get(self, request):
        plans = membership_plans_on_sale(request.clinic)
        return paginated_response(self, request, plans, MembershipPlanSerializer)


class MembershipJoinView(APIView):
    """Join a plan: the plan's agreement must be signed first (400
    ``agreement_unsigned``, nothing charged); the first period is charged to the card
    now (402 ``card_declined`` names ``payment_method``)."""

    permission_classes = MEMBERSHIPS

    @extend_schema(
        tags=["shop"], request=MembershipJoinSerializer, responses={201: MembershipSerializer}
    )
    def post(self, request, pk):
        payload = MembershipJoinSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        client = client_account_ensure(clinic=request.clinic, user=request.user)
        membership = membership_join(
            clinic=request.clinic,
            client=client,
            plan_id=pk,
            payment_method=payload.validated_data["payment_method"],
        )
        found = membership_for_client(request.clinic, client, membership.pk)
        return Response(MembershipSerializer(found).data, status=status.HTTP_201_CREATED)


class MembershipListView(APIView):
    permission_classes = MEMBERSHIPS
    pagination_class = ApiPagination

    @extend_schema(tags=["shop"], responses=MembershipSerializer(many=True))
    def get(self, request):
        memberships = client_memberships(request.clinic, client_account_here(request))
        return paginated_response(self, request, memberships, MembershipSerializer)


def _own(request, pk):
    found = membership_for_client(request.clinic, client_account_here(request), pk)
    if found is None:
        raise Http404("No such membership.")
    return found


class MembershipCancelView(APIView):
    """Cancel at the end of the paid period (403 ``membership_not_cancellable`` where
    the clinic does not allow it online)."""

    permission_classes = MEMBERSHIPS

    @extend_schema(tags=["shop"], request=None, responses=MembershipSerializer)
    def post(self, request, pk):
        membership = _own(request, pk)
        membership_cancel(
            clinic=request.clinic, membership_id=membership.pk, client=membership.client
        )
        return Response(MembershipSerializer(_own(request, pk)).data)


class MembershipCardView(APIView):
    """After a failed renewal: the card renewals are charged to from now on; the unpaid
    invoice is charged to it at once (benefits come back when it is paid)."""

    permission_classes = MEMBERSHIPS

    @extend_schema(tags=["shop"], request=MembershipJoinSerializer, responses=MembershipSerializer)
    def post(self, request, pk):
        membership = _own(request, pk)
        payload = MembershipJoinSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        membership_card_update(
            clinic=request.clinic,
            client=membership.client,
            membership_id=membership.pk,
            payment_method=payload.validated_data["payment_method"],
        )
        return Response(MembershipSerializer(_own(request, pk)).data)


class MembershipOptionsView(APIView):
    """The membership credits the patient may use for a service (nothing is used until
    they send one as ``package`` with POST /api/v1/bookings)."""

    permission_classes = MEMBERSHIPS
    pagination_class = ApiPagination

    @extend_schema(
        tags=["shop"],
        responses=CoverOptionSerializer(many=True),
        parameters=[OpenApiParameter("service", str, required=True, description="Id or key.")],
    )
    def get(self, request):
        client = client_account_here(request)
        service = service_by_ref(request.clinic, request.query_params.get("service", ""))
        options = [
            o
            for o in cover_options(clinic=request.clinic, client=client, service=service)
            if o.ref.startswith(PREFIX)
        ]
        return paginated_response(self, request, options, CoverOptionSerializer)
