"""The portal's rewards and referrals pages, and the referral share link.

/rewards/ shows the balance, the tier and progress to the next, the catalogue (redeem
now, or ask the clinic), the patient's vouchers and requests. /referrals/ shows the
patient's code and share link and who joined through it. Writes go through the loyalty
services; a refusal comes back as a message on the page. The ``rewards`` or
``referrals`` toggle off: 404.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from branding.errors import DomainError
from loyalty.referrals.claims import referral_remember
from loyalty.referrals.selectors import referral_inviter_name, referrals_made
from loyalty.referrals.services import referral_code_ensure
from loyalty.rewards.selectors import client_requests, client_vouchers, reward_catalogue
from loyalty.rewards.services import reward_redeem, reward_request_create
from loyalty.selectors import balance, history, programme_for
from loyalty.tiers import tier_status
from people.freshness import last_synced
from people.services import client_account_ensure
from portal_pages.access import feature_required, rate_limited, signed_in


def _client(request):
    return client_account_ensure(clinic=request.clinic, user=request.user)


@feature_required("rewards")
@signed_in
def rewards_page(request):
    clinic = request.clinic
    client = _client(request)
    points = balance(clinic, client)
    catalogue = list(reward_catalogue(clinic))
    for reward in catalogue:
        reward.affordable = reward.cost <= points
        reward.short_by = max(reward.cost - points, 0)
    return render(
        request,
        "loyalty/rewards/page.html",
        {
            "programme": programme_for(clinic),
            "balance": points,
            "status": tier_status(clinic, client),
            "rewards": catalogue,
            "vouchers": client_vouchers(clinic, client),
            "requests": list(client_requests(clinic, client)[:20]),
            "recent": list(history(clinic, client)[:10]),
            # The practice system is the source of truth: say how fresh this is.
            "last_synced": last_synced(clinic),
        },
    )


def _after_write(request, action, success):
    try:
        action()
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect("portal:rewards")


@feature_required("rewards")
@signed_in
@require_http_methods(["GET", "POST"])
def reward_redeem_view(request, reward_id):
    """GET asks first (what it costs, the balance after); POST redeems."""
    client = _client(request)
    if request.method == "GET":
        reward = reward_catalogue(request.clinic).filter(pk=reward_id).first()
        if reward is None:
            messages.error(request, _("This reward was not found."))
            return redirect("portal:rewards")
        points = balance(request.clinic, client)
        return render(
            request,
            "loyalty/rewards/confirm.html",
            {
                "reward": reward,
                "programme": programme_for(request.clinic),
                "balance": points,
                "after": points - reward.cost,
                "short_by": max(reward.cost - points, 0),
            },
        )
    return _after_write(
        request,
        lambda: reward_redeem(clinic=request.clinic, client=client, reward_id=reward_id),
        _("Done! Your voucher is below: choose it when you pay."),
    )


@feature_required("rewards")
@signed_in
@require_POST
def reward_request_view(request, reward_id):
    client = _client(request)
    return _after_write(
        request,
        lambda: reward_request_create(
            clinic=request.clinic,
            client=client,
            reward_id=reward_id,
            note=request.POST.get("note", ""),
        ),
        _("Thank you! The clinic will look at your request and let you know."),
    )


@feature_required("referrals")
@signed_in
def referrals_page(request):
    clinic = request.clinic
    client = _client(request)
    code = referral_code_ensure(clinic=clinic, client=client)
    return render(
        request,
        "loyalty/referrals/page.html",
        {
            "programme": programme_for(clinic),
            "code": code.code,
            "share_url": request.build_absolute_uri(
                reverse("portal:referral_link", args=[code.code])
            ),
            "referrals": list(referrals_made(clinic, client)),
        },
    )


@feature_required("referrals")
@rate_limited("referral_lookup", methods=("GET",))
def referral_link(request, code):
    """Where a shared link lands: the clinic's invitation, who sent it and what both
    earn; the code is remembered for the sign-up it leads to (a signed-in visitor simply
    goes home; referrals are for new clients)."""
    if request.user.is_authenticated:
        return redirect("/")
    referral_remember(request, code)
    inviter = referral_inviter_name(request.clinic, code)
    return render(
        request,
        "loyalty/referrals/landing.html",
        {
            "programme": programme_for(request.clinic),
            "inviter": inviter,
            "known_code": inviter is not None,
        },
    )
