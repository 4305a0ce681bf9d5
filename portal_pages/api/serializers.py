"""The clinic's content as apps read it: dashboard cards (one serializer per card type,
told apart by ``type``), content and policy pages, the booking policy's numbers, the
welcome text and booking instructions. Rich text is HTML with absolute links."""

from django.db import models
from drf_spectacular.utils import PolymorphicProxySerializer
from rest_framework import serializers

from booking_api.api.cart import CartItemSerializer
from booking_api.api.serializers import BookingSerializer
from branding.models.settings import FeeKind, PaymentMode
from notifications.api.serializers import NotificationSerializer
from people.api.pets_photos import PetSerializer

HTML_HELP = "Rendered rich text (HTML; links and images absolute)."


class PageType(models.TextChoices):
    CONTENT = "content", "content"
    POLICY = "policy", "policy"


# --- The booking policy ------------------------------------------------------------------


class FeeSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=FeeKind.choices)
    value = serializers.IntegerField(
        allow_null=True,
        help_text="A percentage of the price (`percent`) or minor units (`fixed`).",
    )
    display = serializers.CharField(help_text="The fee in words, as the portal shows it.")


class PolicyWordsSerializer(serializers.Serializer):
    """The numbers in words, in the request's language: what a policy page's
    placeholders (`{free_cancellation_hours}` …) become."""

    free_cancellation_hours = serializers.CharField()
    late_cancellation_fee = serializers.CharField()
    reschedule_limit = serializers.CharField()
    reschedule_window_hours = serializers.CharField()
    minimum_notice = serializers.CharField()
    no_show_fee = serializers.CharField()
    payment_at_booking = serializers.CharField()


class PolicySerializer(serializers.Serializer):
    """The clinic's booking policy: the numbers the booking engine enforces."""

    min_notice_minutes = serializers.IntegerField()
    max_advance_days = serializers.IntegerField()
    cancellation_window_hours = serializers.IntegerField(
        help_text="Free cancellation until this many hours before the start."
    )
    late_cancel_fee = FeeSerializer()
    late_cancel_contact_clinic = serializers.BooleanField(
        help_text="Inside the window, clients are asked to contact the clinic instead."
    )
    reschedule_limit = serializers.IntegerField()
    reschedule_window_hours = serializers.IntegerField()
    no_show_fee = FeeSerializer()
    no_show_blocks_online_booking = serializers.BooleanField()
    payment_mode = serializers.ChoiceField(
        choices=PaymentMode.choices, help_text="What is paid online when booking."
    )
    deposit_percent = serializers.IntegerField(
        allow_null=True,
        help_text="With `deposit` only: the share of the price taken when booking for "
        "services without a deposit amount of their own; null otherwise.",
    )
    currency = serializers.CharField()
    words = PolicyWordsSerializer()


class PolicyAnswerSerializer(PolicySerializer):
    page = serializers.IntegerField(
        allow_null=True, help_text="The clinic's policy page (`/api/v1/pages/<id>`), if any."
    )


# --- Pages -------------------------------------------------------------------------------


class PageSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    type = serializers.ChoiceField(choices=PageType.choices)
    title = serializers.CharField()
    slug = serializers.CharField()
    parent = serializers.IntegerField(
        allow_null=True, help_text="The page above it, or null under the home page."
    )
    url = serializers.URLField(help_text="The page in the clinic's portal.")
    last_published_at = serializers.DateTimeField(allow_null=True)


class PageSerializer(PageSummarySerializer):
    body = serializers.CharField(
        help_text=HTML_HELP + " A policy page's placeholders are filled with `policy.words`."
    )
    show_summary = serializers.BooleanField(
        allow_null=True,
        help_text="Policy pages: show the policy at a glance above the text (null otherwise).",
    )
    policy = PolicySerializer(allow_null=True, help_text="Policy pages only (null otherwise).")


# --- Welcome text and booking instructions -----------------------------------------------


class WelcomeSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="The dashboard card's id.")
    heading = serializers.CharField()
    text = serializers.CharField(help_text=HTML_HELP)


class ContentSerializer(serializers.Serializer):
    welcome = WelcomeSerializer(
        allow_null=True,
        help_text="The first welcome card this person sees on the dashboard, or null.",
    )
    booking_instructions = serializers.CharField(
        help_text="The clinic's booking instructions: " + HTML_HELP + " Empty if none."
    )
    booking_instructions_text = serializers.CharField(
        help_text="The same as plain text (as in the confirmation email)."
    )


# --- Dashboard cards ---------------------------------------------------------------------


def card_type(name):
    """The ``type`` of one card type: a single-value enum, so each card's schema matches
    its own cards only (``oneOf`` with a discriminator)."""
    return serializers.ChoiceField(choices=[(name, name)], help_text="The card type.")


class CardSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="The card's id on the dashboard (stable per card).")
    heading = serializers.CharField(help_text="As the portal shows it (a default if unset).")


class WelcomeCardSerializer(CardSerializer):
    type = card_type("welcome")
    text = serializers.CharField(help_text=HTML_HELP)


class InstructionsCardSerializer(CardSerializer):
    type = card_type("instructions")
    text = serializers.CharField(
        help_text=HTML_HELP + " The card's own text, or the clinic's booking instructions."
    )


class UpcomingCardSerializer(CardSerializer):
    type = card_type("upcoming")
    max_items = serializers.IntegerField()
    empty_text = serializers.CharField(help_text="Shown when there are no bookings.")
    bookings = BookingSerializer(many=True, help_text="The next ones, at most `max_items`.")
    upcoming_count = serializers.IntegerField(help_text="All the person's upcoming bookings.")
    can_reschedule = serializers.BooleanField()
    can_cancel = serializers.BooleanField()


class ServiceRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class BookAgainSerializer(serializers.Serializer):
    service = ServiceRefSerializer()
    staff = serializers.IntegerField(
        allow_null=True, help_text="Who did it last (null: anyone available)."
    )


class BookNowCardSerializer(CardSerializer):
    type = card_type("book_now")
    text = serializers.CharField()
    button_label = serializers.CharField()
    show_book_again = serializers.BooleanField()
    book_again = BookAgainSerializer(
        many=True, help_text="Services the person had before, most recent first."
    )


class PolicyCardSerializer(CardSerializer):
    type = card_type("policy")
    text = serializers.CharField()
    link_label = serializers.CharField()
    page = serializers.IntegerField(allow_null=True, help_text="The policy page, if linked.")
    page_url = serializers.URLField(allow_null=True)
    show_summary = serializers.BooleanField()
    policy = PolicySerializer(allow_null=True, help_text="When `show_summary` is on.")


class ImageSerializer(serializers.Serializer):
    url = serializers.URLField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    alt = serializers.CharField()


class CallToActionSerializer(serializers.Serializer):
    label = serializers.CharField()
    url = serializers.CharField(help_text="An absolute address (a portal page or the link).")


class PromotionCardSerializer(CardSerializer):
    type = card_type("promotion")
    text = serializers.CharField(help_text=HTML_HELP)
    image = ImageSerializer(allow_null=True)
    cta = CallToActionSerializer(allow_null=True, help_text="The button, if it has both.")


class NotificationsCardSerializer(CardSerializer):
    type = card_type("notifications")
    max_items = serializers.IntegerField()
    unread = serializers.IntegerField()
    notifications = NotificationSerializer(many=True, help_text="The latest, `max_items` at most.")


class CartCardSerializer(CardSerializer):
    type = card_type("cart")
    items = CartItemSerializer(many=True, help_text="The first five saved services.")
    more = serializers.BooleanField(help_text="More are saved than listed.")


class PetsCardSerializer(CardSerializer):
    type = card_type("pets")
    pets = PetSerializer(many=True)


class SlideshowPhotoSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    caption = serializers.CharField()
    url = serializers.URLField(help_text="The image, readable by anyone at the clinic's domain.")


class SlideshowCardSerializer(CardSerializer):
    type = card_type("slideshow")
    photos = SlideshowPhotoSerializer(many=True)


class GameRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField(help_text="`wheel` or `scratch`.")
    eligible = serializers.BooleanField(help_text="False until the first completed visit.")
    plays_left = serializers.IntegerField()


class GamesCardSerializer(CardSerializer):
    type = card_type("games")
    text = serializers.CharField()
    games = GameRefSerializer(many=True)


class RewardRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    cost = serializers.IntegerField()


class RewardsCardSerializer(CardSerializer):
    type = card_type("rewards")
    balance = serializers.IntegerField()
    unit_name = serializers.CharField()
    tier = serializers.CharField(allow_null=True)
    next_tier = serializers.CharField(allow_null=True)
    to_next = serializers.IntegerField(allow_null=True)
    progress = serializers.IntegerField(help_text="Percent of the way to the next tier.")
    ready_reward = RewardRefSerializer(
        allow_null=True, help_text="The dearest reward affordable now."
    )
    next_reward = RewardRefSerializer(
        allow_null=True, help_text="The cheapest reward not yet affordable."
    )


class ReferralsCardSerializer(CardSerializer):
    type = card_type("referrals")
    text = serializers.CharField()
    code = serializers.CharField(allow_null=True, help_text="Null until the person has a code.")
    joined = serializers.IntegerField()
    earned = serializers.IntegerField()


# Card type (the block's name on the home page) → its serializer.
CARD_SERIALIZERS = {
    "welcome": WelcomeCardSerializer,
    "upcoming": UpcomingCardSerializer,
    "book_now": BookNowCardSerializer,
    "instructions": InstructionsCardSerializer,
    "policy": PolicyCardSerializer,
    "promotion": PromotionCardSerializer,
    "notifications": NotificationsCardSerializer,
    "cart": CartCardSerializer,
    "pets": PetsCardSerializer,
    "slideshow": SlideshowCardSerializer,
    "games": GamesCardSerializer,
    "rewards": RewardsCardSerializer,
    "referrals": ReferralsCardSerializer,
}


class DashboardSerializer(serializers.Serializer):
    """For the schema: the view fills ``cards`` with each card's own serializer."""

    cards = PolymorphicProxySerializer(
        component_name="DashboardCard",
        serializers=CARD_SERIALIZERS,
        resource_type_field_name="type",
        many=True,
        help_text="The cards this person sees, in the manager's order; `type` says which.",
    )
