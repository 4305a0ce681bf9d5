"""The portal's wallet page: the client's membership card (member number as a QR code
for check-in, balance, tier) with "Add to Apple Wallet" and "Save to Google Wallet".
The ``wallet_passes`` toggle off: 404."""

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from loyalty.wallet.membership import member_qr_svg
from loyalty.wallet.selectors import apple_pass_for, wallet_offer
from people.services import client_account_ensure
from portal_pages.access import feature_required, signed_in

PKPASS_TYPE = "application/vnd.apple.pkpass"


def logo_url(request):
    return request.build_absolute_uri(reverse("portal:pwa_icon", args=[192]))


@feature_required("wallet_passes")
@signed_in
def wallet_page(request):
    client = client_account_ensure(clinic=request.clinic, user=request.user)
    offer = wallet_offer(request.clinic, client, logo_url=logo_url(request))
    return render(
        request,
        "loyalty/wallet/card.html",
        {"offer": offer, "card": offer.card, "qr_svg": member_qr_svg(offer.card)},
    )


@feature_required("wallet_passes")
@signed_in
def wallet_apple_pass(request):
    client = client_account_ensure(clinic=request.clinic, user=request.user)
    return pkpass_response(apple_pass_for(request.clinic, client), request.clinic)


def pkpass_response(data, clinic):
    response = HttpResponse(data, content_type=PKPASS_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{clinic.slug}-membership.pkpass"'
    response["Cache-Control"] = "private, no-store"
    return response
