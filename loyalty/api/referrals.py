"""The signed-in client's referral code, share link and who joined through it."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from branding.api.permissions import ClinicRequired, require_feature
from loyalty.referrals.selectors import referrals_made
from loyalty.referrals.services import referral_code_ensure
from loyalty.selectors import programme_for
from people.services import client_account_ensure


class JoinedSerializer(serializers.Serializer):
    first_name = serializers.CharField(source="referred.user.first_name")
    joined_at = serializers.DateTimeField(source="created_at")
    rewarded = serializers.SerializerMethodField()
    points = serializers.IntegerField(help_text="What you earned (0 until their first visit).")

    def get_rewarded(self, referral) -> bool:
        return referral.rewarded_at is not None


class ReferralsSerializer(serializers.Serializer):
    code = serializers.CharField()
    share_url = serializers.URLField()
    reward_each = serializers.IntegerField(help_text="What both sides earn, in the unit.")
    unit_name = serializers.CharField()
    joined = JoinedSerializer(many=True)


class ReferralsView(APIView):
    permission_classes = [IsAuthenticated, ClinicRequired, require_feature("referrals")]

    @extend_schema(tags=["loyalty"], responses=ReferralsSerializer)
    def get(self, request):
        client = client_account_ensure(clinic=request.clinic, user=request.user)
        code = referral_code_ensure(clinic=request.clinic, client=client)
        programme = programme_for(request.clinic)
        data = {
            "code": code.code,
            "share_url": request.build_absolute_uri(f"/r/{code.code}/"),
            "reward_each": programme.per_referral,
            "unit_name": programme.unit_label,
            "joined": referrals_made(request.clinic, client),
        }
        return Response(ReferralsSerializer(data).data)
