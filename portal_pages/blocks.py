"""The dashboard's cards: StreamField blocks managers add, order and edit on the clinic's
home page (``PortalHomePage.cards``).

Every card shares the visibility settings (audience and date window), kept in the block's
collapsed "settings" area. A card may name the feature toggle it belongs to
(``feature``): when the clinic switches that feature off the card never appears — that is
automatic, not a per-card setting. ``needs_client`` cards show a signed-in person's own
data and are hidden from visitors.

What a card shows comes from ``portal_pages.selectors.dashboard_for``, gathered once per
page; the card templates only read the ``dashboard`` it builds. For the editor's block
previews each card supplies sample data (``preview_dashboard``), so previews run no
queries and need no patient.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import BlockGroup
from wagtail.images.blocks import ImageChooserBlock

from portal_pages.audience import Audience

PREVIEW_TEMPLATE = "portal_pages/cards/preview.html"


VISIBILITY_FIELDS = ["audience", "tag", "show_from", "show_until"]


def card_layout(*children):
    """The card's own fields first; who sees it and when, in the collapsed settings."""
    return BlockGroup(children=list(children), settings=VISIBILITY_FIELDS)


class CardBlock(blocks.StructBlock):
    """Base of every dashboard card: the visibility settings and the card's wiring."""

    audience = blocks.ChoiceBlock(
        choices=Audience.CHOICES,
        default=Audience.EVERYONE,
        label=_("Show to"),
        help_text=_("Visitors who are not signed in count as new clients."),
    )
    tag = blocks.CharBlock(
        required=False,
        max_length=40,
        label=_("Tag"),
        help_text=_("With 'Clients with a tag': only clients tagged with this."),
    )
    show_from = blocks.DateBlock(required=False, label=_("Show from"))
    show_until = blocks.DateBlock(required=False, label=_("Show until"))

    # What the card shows where the manager left a text empty (the templates and the API
    # both read it: ``value.block.shown_defaults.heading``, ``shown_text``).
    shown_defaults = {}
    # The feature toggle this card belongs to (branding.models.FEATURE_DEFAULTS), if any.
    feature = None
    # Shows the signed-in client's own records: hidden from visitors.
    needs_client = False

    def clean(self, value):
        from django.core.exceptions import ValidationError
        from wagtail.blocks import StructBlockValidationError

        value = super().clean(value)
        errors = {}
        if value.get("audience") == Audience.TAG and not (value.get("tag") or "").strip():
            errors["tag"] = ValidationError(_("Name the tag, or choose another audience."))
        start, end = value.get("show_from"), value.get("show_until")
        if start and end and end < start:
            errors["show_until"] = ValidationError(_("The end date is before the start date."))
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value

    def shown_text(self, value, name) -> str:
        """The text ``name`` as the card shows it: the manager's, or the default."""
        return str(value.get(name) or self.shown_defaults.get(name, ""))

    def preview_dashboard(self):
        """Sample data for the editor's preview (see ``portal_pages.selectors``)."""
        from portal_pages.selectors import sample_dashboard

        return sample_dashboard()

    def get_preview_context(self, value, parent_context=None):
        context = super().get_preview_context(value, parent_context)
        context["dashboard"] = self.preview_dashboard()
        return context


class WelcomeCardBlock(CardBlock):
    heading = blocks.CharBlock(required=False, max_length=80, label=_("Heading"))
    text = blocks.RichTextBlock(features=["bold", "italic", "link", "ol", "ul"], label=_("Text"))

    class Meta:
        icon = "openquote"
        label = _("Welcome message")
        template = "portal_pages/cards/welcome.html"
        preview_template = PREVIEW_TEMPLATE
        preview_value = {"heading": "Welcome", "text": "<p>We are glad you are here.</p>"}
        description = _("A short welcome in your own words.")
        form_layout = card_layout("heading", "text")


class UpcomingAppointmentsCardBlock(CardBlock):
    heading = blocks.CharBlock(
        required=False, max_length=80, label=_("Heading"), default="Your next appointments"
    )
    max_items = blocks.IntegerBlock(min_value=1, max_value=5, default=3, label=_("Show up to"))
    empty_text = blocks.CharBlock(
        required=False,
        max_length=160,
        label=_("When there are none"),
        default="You have no upcoming appointments.",
    )

    needs_client = True

    shown_defaults = {
        "heading": _("Your next appointments"),
        "empty_text": _("You have no upcoming appointments."),
    }

    class Meta:
        icon = "date"
        label = _("Upcoming appointments")
        template = "portal_pages/cards/upcoming.html"
        preview_template = PREVIEW_TEMPLATE
        preview_value = {"heading": "Your next appointments", "max_items": 3}
        description = _(
            "The signed-in client's next appointments, with reschedule and cancel links "
            "when your settings allow them."
        )
        form_layout = card_layout("heading", "max_items", "empty_text")


class BookNowCardBlock(CardBlock):
    heading = blocks.CharBlock(
        required=False, max_length=80, label=_("Heading"), default="Book an appointment"
    )
    text = blocks.CharBlock(required=False, max_length=200, label=_("Text"))
    button_label = blocks.CharBlock(max_length=40, label=_("Button label"), default="Book now")
    show_book_again = blocks.BooleanBlock(
        required=False,
        default=True,
        label=_("Offer 'Book again'"),
        help_text=_("Returning clients rebook a service they had before in one tap."),
    )

    feature = "online_booking"

    shown_defaults = {"heading": _("Book an appointment"), "button_label": _("Book now")}

    class Meta:
        icon = "plus"
        label = _("Book now / Book again")
        template = "portal_pages/cards/book_now.html"
        preview_template = PREVIEW_TEMPLATE
        preview_value = {
            "heading": "Book an appointment",
            "text": "Choose a treatment and a time that suits you.",
            "button_label": "Book now",
            "show_book_again": True,
        }
        description = _("A button into the booking wizard, and 'Book again' for past services.")
        form_layout = card_layout("heading", "text", "button_label", "show_book_again")


class BookingInstructionsCardBlock(CardBlock):
    heading = blocks.CharBlock(
        required=False, max_length=80, label=_("Heading"), default="Before your visit"
    )
    text = blocks.RichTextBlock(
        required=False,
        features=["bold", "italic", "link", "ol", "ul"],
        label=_("Text"),
        help_text=_(
            "Leave empty to show your booking instructions (Settings → Booking policy), "
            "the same text the booking wizard and the confirmation email show."
        ),
    )

    feature = "online_booking"

    class Meta:
        icon = "list-ul"
        label = _("Booking instructions")
        template = "portal_pages/cards/instructions.html"
        preview_template = PREVIEW_TEMPLATE
        preview_value = {
            "heading": "Before your visit",
            "text": "<ul><li>Arrive ten minutes early.</li><li>Bring a list of your "
            "medicines.</li></ul>",
        }
        description = _("What clients should know before booking or arriving.")
        form_layout = card_layout("heading", "text")


class PolicyLinkCardBlock(CardBlock):
    heading = blocks.CharBlock(
        required=False, max_length=80, label=_("Heading"), default="Cancellation policy"
    )
    text = blocks.CharBlock(required=False, max_length=200, label=_("Text"))
    page = blocks.PageChooserBlock(required=False, label=_("Policy page"))
    link_label = blocks.CharBlock(
        required=False, max_length=40, label=_("Link label"), default="Read the full policy"
    )
    show_summary = blocks.BooleanBlock(
        required=False,
        default=True,
        label=_("Show the policy's numbers"),
        help_text=_("The free cancellation window and late fee, from your booking policy."),
    )

    shown_defaults = {"heading": _("Cancellation policy"), "link_label": _("Read the full policy")}

    class Meta:
        icon = "doc-full"
        label = _("Policy link")
        template = "portal_pages/cards/policy.html"
        preview_template = PREVIEW_TEMPLATE
        preview_value = {"heading": "Cancellation policy", "show_summary": True}
        description = _("Your cancellation policy in brief, with a link to the full page.")
        form_layout = card_layout("heading", "text", "page", "link_label", "show_summary")


class CallToActionBlock(blocks.StructBlock):
    label = blocks.CharBlock(required=False, max_length=40, label=_("Button label"))
    page = blocks.PageChooserBlock(required=False, label=_("Page"))
    url = blocks.CharBlock(
        required=False,
        max_length=300,
        label=_("Or a link"),
        help_text=_("A path such as /book/ or a full web address."),
    )

    class Meta:
        label = _("Call to action")


class PromotionCardBlock(CardBlock):
    image = ImageChooserBlock(required=False, label=_("Image"))
    heading = blocks.CharBlock(max_length=80, label=_("Heading"))
    text = blocks.RichTextBlock(
        required=False, features=["bold", "italic", "link"], label=_("Text")
    )
    cta = CallToActionBlock(label=_("Call to action"))

    class Meta:
        icon = "pick"
        label = _("Promotion")
        template = "portal_pages/cards/promotion.html"
        preview_template = PREVIEW_TEMPLATE
        preview_value = {
            "heading": "20% off peels this month",
            "text": "<p>Brighter skin before the holidays.</p>",
            "cta": {"label": "Book a peel", "url": "/book/"},
        }
        description = _("An offer with an image, a few words and a button.")
        form_layout = card_layout("image", "heading", "text", "cta")


class NotificationsCardBlock(CardBlock):
    heading = blocks.CharBlock(
        required=False, max_length=80, label=_("Heading"), default="Notifications"
    )
    max_items = blocks.IntegerBlock(min_value=1, max_value=5, default=3, label=_("Show up to"))

    feature = "notifications"
    needs_client = True

    shown_defaults = {"heading": _("Notifications")}

    class Meta:
        icon = "mail"
        label = _("Notifications")
        template = "portal_pages/cards/notifications.html"
        preview_template = PREVIEW_TEMPLATE
        preview_value = {"heading": "Notifications", "max_items": 3}
        description = _("The client's latest messages and how many are unread.")
        form_layout = card_layout("heading", "max_items")


class CartCardBlock(CardBlock):
    heading = blocks.CharBlock(
        required=False, max_length=80, label=_("Heading"), default="Saved for later"
    )

    feature = "cart"
    needs_client = True

    shown_defaults = {"heading": _("Saved for later")}

    class Meta:
        icon = "tasks"
        label = _("Cart")
        template = "portal_pages/cards/cart.html"
        preview_template = PREVIEW_TEMPLATE
        preview_value = {"heading": "Saved for later"}
        description = _("Services the client saved to book later.")
        form_layout = card_layout("heading")


class GamesCardBlock(CardBlock):
    heading = blocks.CharBlock(
        required=False, max_length=80, label=_("Heading"), default="Spin or scratch"
    )
    text = blocks.CharBlock(required=False, max_length=200, label=_("Text"))

    feature = "games"
    needs_client = True

    shown_defaults = {"heading": _("Spin or scratch")}

    class Meta:
        icon = "pick"
        label = _("Spin or scratch")
        template = "portal_pages/cards/games.html"
        preview_template = PREVIEW_TEMPLATE
        preview_value = {"heading": "Spin or scratch", "text": "Try your luck after each visit."}
        description = _("The clinic's open games and how many plays the client has left.")
        form_layout = card_layout("heading", "text")


class PetsCardBlock(CardBlock):
    heading = blocks.CharBlock(
        required=False, max_length=80, label=_("Heading"), default="Your pets"
    )

    feature = "pets"
    needs_client = True

    shown_defaults = {"heading": _("Your pets")}

    class Meta:
        icon = "folder-open-inverse"
        label = _("Pets")
        template = "portal_pages/cards/pets.html"
        preview_template = PREVIEW_TEMPLATE
        preview_value = {"heading": "Your pets"}
        description = _("The client's pets on cards that flip to show their notes.")
        form_layout = card_layout("heading")


class PhotoSlideshowCardBlock(CardBlock):
    heading = blocks.CharBlock(
        required=False, max_length=80, label=_("Heading"), default="Happy clients"
    )

    feature = "selfies"

    shown_defaults = {"heading": _("Happy clients")}

    class Meta:
        icon = "image"
        label = _("Photo slideshow")
        template = "portal_pages/cards/slideshow.html"
        preview_template = PREVIEW_TEMPLATE
        preview_value = {"heading": "Happy clients"}
        description = _("Photos staff starred whose owners agreed to share them, newest first.")
        form_layout = card_layout("heading")


class RewardsBalanceCardBlock(CardBlock):
    heading = blocks.CharBlock(
        required=False, max_length=80, label=_("Heading"), default="Your rewards"
    )

    feature = "rewards"
    needs_client = True

    shown_defaults = {"heading": _("Your rewards")}

    class Meta:
        icon = "tag"
        label = _("Rewards balance")
        template = "portal_pages/cards/rewards.html"
        preview_template = PREVIEW_TEMPLATE
        preview_value = {"heading": "Your rewards"}
        description = _("The client's points, tier and progress, and the next reward in reach.")
        form_layout = card_layout("heading")


class ReferralsCardBlock(CardBlock):
    heading = blocks.CharBlock(
        required=False, max_length=80, label=_("Heading"), default="Invite a friend"
    )
    text = blocks.CharBlock(required=False, max_length=200, label=_("Text"))

    feature = "referrals"
    needs_client = True

    shown_defaults = {"heading": _("Invite a friend")}

    class Meta:
        icon = "group"
        label = _("Referrals")
        template = "portal_pages/cards/referrals.html"
        preview_template = PREVIEW_TEMPLATE
        preview_value = {"heading": "Invite a friend", "text": "You both earn points."}
        description = _("The client's referral link, who joined and what they earned.")
        form_layout = card_layout("heading", "text")


class DashboardCards(blocks.StreamBlock):
    welcome = WelcomeCardBlock()
    upcoming = UpcomingAppointmentsCardBlock()
    book_now = BookNowCardBlock()
    instructions = BookingInstructionsCardBlock()
    policy = PolicyLinkCardBlock()
    promotion = PromotionCardBlock()
    notifications = NotificationsCardBlock()
    cart = CartCardBlock()
    pets = PetsCardBlock()
    slideshow = PhotoSlideshowCardBlock()
    games = GamesCardBlock()
    rewards = RewardsBalanceCardBlock()
    referrals = ReferralsCardBlock()
