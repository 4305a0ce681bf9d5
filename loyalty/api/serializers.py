from rest_framework import serializers

from loyalty.models import LedgerEntry


class LoyaltySummarySerializer(serializers.Serializer):
    balance = serializers.IntegerField()
    unit = serializers.CharField()
    unit_name = serializers.CharField()
    last_synced = serializers.DateTimeField(
        allow_null=True,
        help_text="When the clinic's practice system last synced (points may lag); null "
        "without a practice connection.",
    )


class LedgerEntrySerializer(serializers.ModelSerializer):
    reverses = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = LedgerEntry
        fields = ["id", "kind", "amount", "balance_after", "reason", "reverses", "created_at"]
        read_only_fields = fields
