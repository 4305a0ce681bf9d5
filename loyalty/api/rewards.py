"""The signed-in client's tier, the rewards catalogue, redeeming, vouchers and reward
requests. Thin: each view calls a loyalty selector or service."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from branding.api.idempotency import idempotent
from branding.api.pagination import ApiPagination, paginated_response
from branding.api.permissions import ClinicRequired, require_feature
from loyalty.models.rewards import RequestStatus, RewardKind, VoucherStatus
from loyalty.rewards.selectors import client_requests, client_vouchers, reward_catalogue
from loyalty.rewards.services import reward_redeem, reward_request_create
from loyalty.tiers import tier_status
from people.services import client_account_ensure

PERMISSIONS = [IsAuthenticated, ClinicRequired, require_feature("rewards")]


def _client(request):
    return client_account_ensure(clinic=request.clinic, user=request.user)


class LoyaltyTierSerializer(serializers.Serializer):
    name = serializers.CharField()
    threshold = serializers.IntegerField()
    benefits = serializers.CharField()


class LoyaltyTierStatusSerializer(serializers.Serializer):
    tier = LoyaltyTierSerializer(allow_null=True)
    next_tier = LoyaltyTierSerializer(allow_null=True)
    earned = serializers.IntegerField(help_text="Points earned in the last 12 months.")
    to_next = serializers.IntegerField()
    progress = serializers.IntegerField(help_text="Percent of the way to the next tier.")


class LoyaltyRewardSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField()
    cost = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=RewardKind.choices)
    amount_off = serializers.IntegerField(allow_null=True)
    percent_off = serializers.IntegerField(allow_null=True)
    service_ids = serializers.SerializerMethodField()
    ends_on = serializers.DateField(allow_null=True)

    def get_service_ids(self, reward) -> list[int]:
        return [service.pk for service in reward.services.all()]


class LoyaltyVoucherSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=RewardKind.choices)
    amount_off = serializers.IntegerField(allow_null=True)
    percent_off = serializers.IntegerField(allow_null=True)
    service_ids = serializers.ListField(child=serializers.IntegerField())
    status = serializers.ChoiceField(choices=VoucherStatus.choices)
    expires_at = serializers.DateTimeField()
    used_at = serializers.DateTimeField(allow_null=True)


class LoyaltyRewardRequestSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    reward = serializers.IntegerField(source="reward_id")
    reward_name = serializers.CharField(source="reward.name", read_only=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)
    status = serializers.ChoiceField(choices=RequestStatus.choices, read_only=True)
    decline_reason = serializers.CharField(read_only=True)
    voucher = serializers.CharField(source="voucher.code", read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)


class TierView(APIView):
    permission_classes = PERMISSIONS

    @extend_schema(tags=["loyalty"], responses=LoyaltyTierStatusSerializer)
    def get(self, request):
        return Response(
            LoyaltyTierStatusSerializer(tier_status(request.clinic, _client(request))).data
        )


class RewardListView(APIView):
    permission_classes = PERMISSIONS
    pagination_class = ApiPagination

    @extend_schema(tags=["loyalty"], responses=LoyaltyRewardSerializer(many=True))
    def get(self, request):
        return paginated_response(
            self, request, reward_catalogue(request.clinic), LoyaltyRewardSerializer
        )


class RedeemView(APIView):
    """Spend points on a reward; answers the new voucher. 409 (field ``amount``) when
    the balance is too small."""

    permission_classes = PERMISSIONS

    @extend_schema(tags=["loyalty"], request=None, responses={201: LoyaltyVoucherSerializer})
    @idempotent
    def post(self, request, reward_id):
        voucher = reward_redeem(clinic=request.clinic, client=_client(request), reward_id=reward_id)
        return Response(LoyaltyVoucherSerializer(voucher).data, status=status.HTTP_201_CREATED)


class VoucherListView(APIView):
    permission_classes = PERMISSIONS
    pagination_class = ApiPagination

    @extend_schema(tags=["loyalty"], responses=LoyaltyVoucherSerializer(many=True))
    def get(self, request):
        vouchers = client_vouchers(request.clinic, _client(request))
        return paginated_response(self, request, vouchers, LoyaltyVoucherSerializer)


class RewardRequestView(APIView):
    """The client's reward requests (GET) and a new one (POST ``reward``, ``note``)."""

    permission_classes = PERMISSIONS
    pagination_class = ApiPagination

    @extend_schema(tags=["loyalty"], responses=LoyaltyRewardRequestSerializer(many=True))
    def get(self, request):
        requests = client_requests(request.clinic, _client(request))
        return paginated_response(self, request, requests, LoyaltyRewardRequestSerializer)

    @extend_schema(
        tags=["loyalty"],
        request=LoyaltyRewardRequestSerializer,
        responses={201: LoyaltyRewardRequestSerializer},
    )
    @idempotent
    def post(self, request):
        data = LoyaltyRewardRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        created = reward_request_create(
            clinic=request.clinic,
            client=_client(request),
            reward_id=data.validated_data["reward_id"],
            note=data.validated_data.get("note", ""),
        )
        return Response(
            LoyaltyRewardRequestSerializer(created).data, status=status.HTTP_201_CREATED
        )
