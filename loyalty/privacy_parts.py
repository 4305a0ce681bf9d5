"""Loyalty's part of a client's data for ``privacy`` (``privacy/registry.py``): the points
ledger, vouchers, reward requests and the referral code. Erasing keeps the ledger and
vouchers (with the detached account) and removes the person's free text and their
referral code, a link others could follow back to them."""

from loyalty.models import LedgerEntry, ReferralCode, RewardRequest, Voucher


def export_loyalty(*, clinic, client):
    ledger = LedgerEntry.objects.filter(clinic=clinic, client=client).order_by("pk")
    vouchers = Voucher.objects.filter(clinic=clinic, client=client).order_by("pk")
    requests = (
        RewardRequest.objects.filter(clinic=clinic, client=client)
        .select_related("reward")
        .order_by("pk")
    )
    code = ReferralCode.objects.filter(clinic=clinic, client=client).first()
    return {
        "data": {
            "ledger": [
                {
                    "kind": entry.kind,
                    "amount": entry.amount,
                    "balance_after": entry.balance_after,
                    "reason": entry.reason,
                    "when": entry.created_at.isoformat(),
                }
                for entry in ledger
            ],
            "vouchers": [
                {
                    "name": v.name,
                    "code": v.code,
                    "status": v.status,
                    "expires": v.expires_at.isoformat(),
                }
                for v in vouchers
            ],
            "reward_requests": [
                {"reward": r.reward.name, "note": r.note, "status": r.status} for r in requests
            ],
            "referral_code": code.code if code else None,
        }
    }


def erase_loyalty(*, clinic, client, user):
    notes = RewardRequest.objects.filter(clinic=clinic, client=client).update(note="")
    codes, _ = ReferralCode.objects.filter(clinic=clinic, client=client).delete()
    return {"reward_request_notes": notes, "referral_codes": codes}


PARTS = [{"key": "loyalty", "order": 50, "export": export_loyalty, "erase": erase_loyalty}]
