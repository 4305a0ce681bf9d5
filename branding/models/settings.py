"""Per-clinic settings that managers edit in the Wagtail admin (Settings menu).

Each is a Wagtail site setting, so it belongs to the clinic's Site; GroupSitePermission
limits a manager to their own clinic's settings. Other apps read them only through
``branding.selectors``.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField

from branding.contrast import brand_contrast_warnings
from branding.panels import ContrastWarningPanel
from branding.validators import validate_hex_colour, validate_origins


class Font(models.TextChoices):
    SYSTEM = "system", _("System (fast, native)")
    SERIF = "serif", _("Classic serif")
    ROUNDED = "rounded", _("Rounded sans-serif")
    MONO = "mono", _("Monospace accent")


FONT_STACKS = {
    Font.SYSTEM: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
    Font.SERIF: 'Georgia, "Times New Roman", serif',
    Font.ROUNDED: '"Nunito", "Varela Round", system-ui, sans-serif',
    Font.MONO: 'ui-monospace, "SFMono-Regular", Menlo, monospace',
}


@register_setting(icon="image")
class BrandingSettings(BaseSiteSetting):
    logo = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    favicon = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    primary_color = models.CharField(
        _("primary colour"),
        max_length=7,
        default="#2f5d8a",
        validators=[validate_hex_colour],
        help_text=_("Buttons, links and headings, e.g. #2f5d8a."),
    )
    accent_color = models.CharField(
        _("accent colour"),
        max_length=7,
        default="#f2c14e",
        validators=[validate_hex_colour],
        help_text=_("Highlights and badges, behind dark text."),
    )
    font = models.CharField(_("font"), max_length=16, choices=Font.choices, default=Font.SYSTEM)
    app_name = models.CharField(
        _("app name"),
        max_length=30,
        blank=True,
        help_text=_("Shown under the icon when the portal is installed on a phone."),
    )

    panels = [
        MultiFieldPanel([FieldPanel("logo"), FieldPanel("favicon")], heading=_("Images")),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("primary_color"), FieldPanel("accent_color")]),
                ContrastWarningPanel(),
                FieldPanel("font"),
            ],
            heading=_("Colours and type"),
        ),
        FieldPanel("app_name"),
    ]

    class Meta:
        verbose_name = _("branding")

    def contrast_warnings(self):
        return brand_contrast_warnings(self.primary_color, self.accent_color)


# The feature toggles, with their defaults. Other apps check them through
# ``branding.selectors.feature_enabled``; the import file uses these names.
FEATURE_DEFAULTS = {
    "online_booking": True,
    "self_reschedule": True,
    "self_cancel": True,
    "history": True,
    "rewards": True,
    "games": False,
    "referrals": True,
    "cart": True,
    "notifications": True,
    "pets": False,
    "pet_memorial": False,
    "selfies": False,
    "wallet_passes": False,
    "packages": False,
    "gift_cards": False,
    "orders": False,
    "memberships": False,
}

# Feature settings that are choices, not on/off toggles: name → default.
FEATURE_OPTIONS = {"orders_payment": "order"}


@register_setting(icon="cogs")
class FeatureSettings(BaseSiteSetting):
    online_booking = models.BooleanField(_("online booking"), default=True)
    self_reschedule = models.BooleanField(_("clients may reschedule"), default=True)
    self_cancel = models.BooleanField(_("clients may cancel"), default=True)
    history = models.BooleanField(_("clients see their history"), default=True)
    rewards = models.BooleanField(_("rewards"), default=True)
    games = models.BooleanField(_("games (spin and scratch)"), default=False)
    referrals = models.BooleanField(_("referrals"), default=True)
    cart = models.BooleanField(_("cart of saved services"), default=True)
    notifications = models.BooleanField(_("notification centre"), default=True)
    pets = models.BooleanField(_("pets"), default=False)
    pet_memorial = models.BooleanField(
        _("remember pets no longer with us"),
        default=False,
        help_text=_(
            'When an owner removes a pet from the app, keep it on a "No longer with us" '
            "page. Off: the pet simply disappears from the app."
        ),
    )
    selfies = models.BooleanField(_("selfies and photos"), default=False)
    wallet_passes = models.BooleanField(_("wallet passes"), default=False)
    packages = models.BooleanField(_("packages (courses of sessions)"), default=False)
    gift_cards = models.BooleanField(_("gift cards"), default=False)
    orders = models.BooleanField(_("orders (products and refills)"), default=False)
    orders_payment = models.CharField(
        _("orders are paid"),
        max_length=8,
        choices=[("order", _("online when ordering")), ("pickup", _("at pick-up"))],
        default="order",
    )
    memberships = models.BooleanField(_("memberships (monthly or yearly plans)"), default=False)

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("online_booking"),
                FieldPanel("self_reschedule"),
                FieldPanel("self_cancel"),
                FieldPanel("history"),
            ],
            heading=_("Booking"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("rewards"),
                FieldPanel("games"),
                FieldPanel("referrals"),
                FieldPanel("wallet_passes"),
            ],
            heading=_("Loyalty and engagement"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("cart"),
                FieldPanel("notifications"),
                FieldPanel("pets"),
                FieldPanel("pet_memorial"),
                FieldPanel("selfies"),
            ],
            heading=_("Portal"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("packages"),
                FieldPanel("gift_cards"),
                FieldPanel("orders"),
                FieldPanel("orders_payment"),
                FieldPanel("memberships"),
            ],
            heading=_("Shop"),
        ),
    ]

    class Meta:
        verbose_name = _("features")

    def as_dict(self):
        return {name: getattr(self, name) for name in FEATURE_DEFAULTS}


@register_setting(icon="code")
class WebAppSettings(BaseSiteSetting):
    """The clinic's own web apps that call its API from a browser (CORS): their origins,
    one per line. Apps on phones need nothing here."""

    origins = models.TextField(
        _("web app origins"),
        blank=True,
        help_text=_(
            "One per line, like https://app.example.com — the browser apps allowed to use "
            "this clinic's API. Leave empty if you have none."
        ),
        validators=[validate_origins],
    )

    panels = [FieldPanel("origins")]

    class Meta:
        verbose_name = _("web apps")

    def origin_list(self) -> list[str]:
        return [line.strip().rstrip("/") for line in self.origins.splitlines() if line.strip()]


class FeeKind(models.TextChoices):
    NONE = "none", _("No fee")
    PERCENT = "percent", _("Percent of the price")
    FIXED = "fixed", _("Fixed amount")


class PaymentMode(models.TextChoices):
    """What a client pays online when booking (the payments app charges it)."""

    NONE = "none", _("No online payment")
    DEPOSIT = "deposit", _("Deposit at booking")
    FULL = "full", _("Full payment at booking")
    CARD_ON_FILE = "card_on_file", _("Card on file (charged later)")


class GuestVerification(models.TextChoices):
    """How a new client who books without signing in proves who they are before their
    slot is held for longer than ``guest_hold_minutes``."""

    EMAIL = "email", _("Email link: the guest confirms from their inbox")
    CARD = (
        "card",
        _(
            "Payment at booking: paying confirms (where a deposit or full payment is taken; "
            "otherwise the email link)"
        ),
    )


def _fee_is_consistent(kind, value, field):
    if kind == FeeKind.NONE:
        return {}
    if value is None or value <= 0:
        return {field: _("Give a fee greater than zero, or choose 'No fee'.")}
    if kind == FeeKind.PERCENT and value > 100:
        return {field: _("A percentage fee cannot exceed 100.")}
    return {}


def _payment_is_consistent(mode, deposit_percent):
    """A deposit percent with 'Deposit at booking' only, and always with it: no setting
    may say a deposit is taken while another says nothing is charged, or the reverse."""
    if mode == PaymentMode.DEPOSIT and not deposit_percent:
        return {
            "deposit_percent": _(
                "Give the deposit percent for services without a deposit amount of their own."
            )
        }
    if mode != PaymentMode.DEPOSIT and deposit_percent:
        return {
            "deposit_percent": _(
                "A deposit is taken only with 'Deposit at booking': choose that, or clear "
                "the deposit percent."
            )
        }
    return {}


# What a manager may use in rich text shown to clients outside pages (instructions).
CLIENT_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul"]


@register_setting(icon="calendar-alt")
class BookingPolicySettings(BaseSiteSetting):
    min_notice_minutes = models.PositiveIntegerField(
        _("minimum notice (minutes)"),
        default=60,
        help_text=_("Clients cannot book a slot that starts sooner than this."),
    )
    max_advance_days = models.PositiveIntegerField(
        _("book up to (days ahead)"),
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(730)],
    )
    cancellation_window_hours = models.PositiveIntegerField(
        _("free cancellation until (hours before)"),
        default=24,
    )
    late_cancel_fee_kind = models.CharField(
        _("late cancellation fee"), max_length=8, choices=FeeKind.choices, default=FeeKind.NONE
    )
    late_cancel_fee_value = models.PositiveIntegerField(
        _("late cancellation fee value"),
        null=True,
        blank=True,
        help_text=_("A percentage (1–100), or an amount in minor units (pence, cents)."),
    )
    late_cancel_contact_clinic = models.BooleanField(
        _("inside the window, ask clients to contact the clinic instead"),
        default=False,
    )
    reschedule_limit = models.PositiveIntegerField(
        _("reschedules allowed per booking"),
        default=2,
    )
    reschedule_window_hours = models.PositiveIntegerField(
        _("self-reschedule until (hours before)"),
        default=24,
    )
    # One setting says what is paid online when booking; the deposit percent belongs to
    # "Deposit at booking" alone (clean() refuses it with any other mode).
    payment_mode = models.CharField(
        _("online payment"), max_length=16, choices=PaymentMode.choices, default=PaymentMode.NONE
    )
    deposit_percent = models.PositiveIntegerField(
        _("deposit percent (when a service has no deposit amount)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_(
            "Only with 'Deposit at booking', and then required: the share of the price taken "
            "when booking for services without a deposit amount of their own."
        ),
    )
    payment_hold_minutes = models.PositiveIntegerField(
        _("hold a slot for payment (minutes)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_("An unpaid booking frees its slot after this long."),
    )
    no_show_fee_kind = models.CharField(
        _("no-show fee"), max_length=8, choices=FeeKind.choices, default=FeeKind.NONE
    )
    no_show_fee_value = models.PositiveIntegerField(_("no-show fee value"), null=True, blank=True)
    no_show_blocks_online_booking = models.BooleanField(
        _("a no-show blocks online booking"),
        default=False,
    )
    booking_instructions = RichTextField(
        _("booking instructions"),
        blank=True,
        features=CLIENT_TEXT_FEATURES,
        help_text=_(
            "What clients should know before they book or arrive (e.g. arrive ten minutes "
            "early). Shown in the booking wizard, in the booking confirmation email, in the "
            "app, and on a 'Booking instructions' dashboard card left without text of its own."
        ),
    )
    guest_verification = models.CharField(
        _("new clients booking without an account confirm by"),
        max_length=8,
        choices=GuestVerification.choices,
        default=GuestVerification.EMAIL,
        help_text=_(
            "Until then their time is only held: it is freed if they do not confirm. "
            "Whether the email has an account or not, the answer on the page is the same."
        ),
    )
    guest_hold_minutes = models.PositiveIntegerField(
        _("hold a new client's slot until they confirm (minutes)"),
        default=15,
        validators=[MinValueValidator(5), MaxValueValidator(60)],
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("min_notice_minutes"), FieldPanel("max_advance_days")],
            heading=_("When clients can book"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("cancellation_window_hours"),
                FieldRowPanel(
                    [FieldPanel("late_cancel_fee_kind"), FieldPanel("late_cancel_fee_value")]
                ),
                FieldPanel("late_cancel_contact_clinic"),
            ],
            heading=_("Cancellation"),
        ),
        MultiFieldPanel(
            [FieldPanel("reschedule_limit"), FieldPanel("reschedule_window_hours")],
            heading=_("Rescheduling"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("payment_mode"),
                FieldPanel("deposit_percent"),
                FieldPanel("payment_hold_minutes"),
            ],
            heading=_("Payment and deposits"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("no_show_fee_kind"), FieldPanel("no_show_fee_value")]),
                FieldPanel("no_show_blocks_online_booking"),
            ],
            heading=_("No-shows"),
        ),
        MultiFieldPanel(
            [FieldPanel("guest_verification"), FieldPanel("guest_hold_minutes")],
            heading=_("New clients booking without an account"),
        ),
        MultiFieldPanel(
            [FieldPanel("booking_instructions")], heading=_("Instructions for clients")
        ),
    ]

    class Meta:
        verbose_name = _("booking policy")

    def clean(self):
        errors = {}
        errors.update(
            _fee_is_consistent(
                self.late_cancel_fee_kind, self.late_cancel_fee_value, "late_cancel_fee_value"
            )
        )
        errors.update(
            _fee_is_consistent(self.no_show_fee_kind, self.no_show_fee_value, "no_show_fee_value")
        )
        errors.update(_payment_is_consistent(self.payment_mode, self.deposit_percent))
        if errors:
            raise ValidationError(errors)
