"""Each visible dashboard card as an app reads it: the same cards, order and data the
portal's templates show (``portal_pages.selectors.dashboard_for`` decided them), as
plain data for the card type's serializer. No rules here: what shows, and what a card
says where the manager left a text empty, come from the selector and the block."""

from django.urls import reverse

from branding.rich_text import rich_text_html
from branding.selectors import clinic_policy
from portal_pages.api.serializers import CARD_SERIALIZERS
from portal_pages.policy import fee_in_words, policy_numbers
from portal_pages.selectors import MAX_LIST_ITEMS, instructions_card_source


def policy_data(clinic) -> dict:
    policy = clinic_policy(clinic)
    currency = clinic.currency
    return {
        "min_notice_minutes": policy.min_notice_minutes,
        "max_advance_days": policy.max_advance_days,
        "cancellation_window_hours": policy.cancellation_window_hours,
        "late_cancel_fee": {
            "kind": policy.late_cancel_fee_kind,
            "value": policy.late_cancel_fee_value,
            "display": str(
                fee_in_words(policy.late_cancel_fee_kind, policy.late_cancel_fee_value, currency)
            ),
        },
        "late_cancel_contact_clinic": policy.late_cancel_contact_clinic,
        "reschedule_limit": policy.reschedule_limit,
        "reschedule_window_hours": policy.reschedule_window_hours,
        "no_show_fee": {
            "kind": policy.no_show_fee_kind,
            "value": policy.no_show_fee_value,
            "display": str(
                fee_in_words(policy.no_show_fee_kind, policy.no_show_fee_value, currency)
            ),
        },
        "no_show_blocks_online_booking": policy.no_show_blocks_online_booking,
        "payment_mode": policy.payment_mode,
        "deposit_percent": policy.deposit_percent,
        "currency": currency,
        "words": policy_numbers(clinic),
    }


def origin(request) -> str:
    """``http(s)://host`` of the request: where the app found the clinic."""
    return request.build_absolute_uri("/").rstrip("/")


def absolute(request, url):
    """A root-relative address made absolute where the app called; others as they are."""
    if not url:
        return None
    if url.startswith("/") and not url.startswith("//"):
        return request.build_absolute_uri(url)
    return url


def _welcome(card, dashboard, ctx):
    return {"text": rich_text_html(card.value.get("text"), origin=origin(ctx["request"]))}


def _instructions(card, dashboard, ctx):
    source = instructions_card_source(ctx["clinic"], card.value)
    return {"text": rich_text_html(source, origin=origin(ctx["request"]))}


def _upcoming(card, dashboard, ctx):
    max_items = card.value.get("max_items") or 3
    bookings = dashboard.upcoming[:max_items]
    for booking in bookings:
        booking.clinic = ctx["clinic"]  # loaded already, with its site
    return {
        "max_items": max_items,
        "empty_text": card.block.shown_text(card.value, "empty_text"),
        "bookings": bookings,
        "upcoming_count": dashboard.stats.upcoming,
        "can_reschedule": dashboard.can_reschedule,
        "can_cancel": dashboard.can_cancel,
    }


def _book_now(card, dashboard, ctx):
    show = bool(card.value.get("show_book_again"))
    return {
        "text": card.value.get("text") or "",
        "button_label": card.block.shown_text(card.value, "button_label"),
        "show_book_again": show,
        "book_again": [
            {"service": {"id": s.pk, "name": s.name}, "staff": s.last_staff_id}
            for s in (dashboard.book_again if show else [])
        ],
    }


def _policy(card, dashboard, ctx):
    page = card.extra.get("page")
    show = bool(card.value.get("show_summary"))
    return {
        "text": card.value.get("text") or "",
        "link_label": card.block.shown_text(card.value, "link_label"),
        "page": page.pk if page else None,
        "page_url": absolute(ctx["request"], card.extra.get("page_url")),
        "show_summary": show,
        "policy": policy_data(ctx["clinic"]) if show and dashboard.policy else None,
    }


def _promotion(card, dashboard, ctx):
    request, value = ctx["request"], card.value
    rendition = card.extra.get("rendition")
    image = None
    if rendition is not None:
        image = {
            "url": absolute(request, rendition.url),
            "width": rendition.width,
            "height": rendition.height,
            "alt": value["image"].default_alt_text or "",
        }
    cta = value.get("cta") or {}
    url = absolute(request, card.extra.get("cta_url") or cta.get("url") or "")
    label = cta.get("label") or ""
    return {
        "heading": value.get("heading") or "",
        "text": rich_text_html(value.get("text"), origin=origin(request)),
        "image": image,
        "cta": {"label": label, "url": url} if url and label else None,
    }


def _notifications(card, dashboard, ctx):
    max_items = card.value.get("max_items") or 3
    return {
        "max_items": max_items,
        "unread": dashboard.unread,
        "notifications": dashboard.notifications[:max_items],
    }


def _cart(card, dashboard, ctx):
    return {
        "items": dashboard.cart[:MAX_LIST_ITEMS],
        "more": len(dashboard.cart) > MAX_LIST_ITEMS,
    }


def _pets(card, dashboard, ctx):
    return {"pets": dashboard.pets}


def _slideshow(card, dashboard, ctx):
    request = ctx["request"]
    return {
        "photos": [
            {
                "id": photo.pk,
                "caption": photo.caption,
                "url": request.build_absolute_uri(reverse("portal:photo_file", args=[photo.pk])),
            }
            for photo in dashboard.slideshow
        ]
    }


def _games(card, dashboard, ctx):
    return {
        "text": card.value.get("text") or "",
        "games": [
            {
                "id": game.pk,
                "name": game.name,
                "kind": game.kind,
                "eligible": bool(game.allowance and game.allowance.eligible),
                "plays_left": game.allowance.left if game.allowance else 0,
            }
            for game in dashboard.games
        ],
    }


def _reward(reward):
    return {"id": reward.pk, "name": reward.name, "cost": reward.cost} if reward else None


def _rewards(card, dashboard, ctx):
    rewards = dashboard.rewards
    if rewards is None:
        return {
            "balance": 0,
            "unit_name": "",
            "tier": None,
            "next_tier": None,
            "to_next": None,
            "progress": 0,
            "ready_reward": None,
            "next_reward": None,
        }
    status = rewards.status
    return {
        "balance": rewards.balance,
        "unit_name": rewards.unit_name,
        "tier": status.tier.name if status.tier else None,
        "next_tier": status.next_tier.name if status.next_tier else None,
        "to_next": status.to_next if status.next_tier else None,
        "progress": status.progress,
        "ready_reward": _reward(rewards.ready_reward),
        "next_reward": _reward(rewards.next_reward),
    }


def _referrals(card, dashboard, ctx):
    referrals = dashboard.referrals
    return {
        "text": card.value.get("text") or "",
        "code": referrals.code if referrals else None,
        "joined": referrals.joined if referrals else 0,
        "earned": referrals.earned if referrals else 0,
    }


BUILDERS = {
    "welcome": _welcome,
    "upcoming": _upcoming,
    "book_now": _book_now,
    "instructions": _instructions,
    "policy": _policy,
    "promotion": _promotion,
    "notifications": _notifications,
    "cart": _cart,
    "pets": _pets,
    "slideshow": _slideshow,
    "games": _games,
    "rewards": _rewards,
    "referrals": _referrals,
}


def card_data(card, dashboard, *, clinic, request) -> dict:
    """One visible card as its type's serializer answers it."""
    data = {
        "type": card.block_type,
        "id": card.id,
        "heading": card.block.shown_text(card.value, "heading"),
        **BUILDERS[card.block_type](card, dashboard, {"clinic": clinic, "request": request}),
    }
    serializer = CARD_SERIALIZERS[card.block_type](data, context={"request": request})
    return serializer.data


def dashboard_data(dashboard, *, clinic, request) -> dict:
    return {
        "cards": [
            card_data(card, dashboard, clinic=clinic, request=request) for card in dashboard.cards
        ]
    }
