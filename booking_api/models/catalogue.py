from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from branding.models import Clinic, Location

DEFAULT_SLOT_STEP_MINUTES = 15


class ServiceColour(models.TextChoices):
    """The staff calendar's palette for services: light tints, each with the calendar's
    dark text well above WCAG AA contrast (the hex values are in calendar.css,
    ``.svc-<name>``). Named rather than free hex so that every choice stays readable."""

    LAVENDER = "lavender", _("Lavender")
    SKY = "sky", _("Sky blue")
    MINT = "mint", _("Mint")
    TEAL = "teal", _("Teal")
    LIME = "lime", _("Lime")
    SAND = "sand", _("Sand")
    PEACH = "peach", _("Peach")
    ROSE = "rose", _("Rose")
    LILAC = "lilac", _("Lilac")
    STONE = "stone", _("Stone grey")


class ServiceCategory(models.Model):
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="service_categories")
    name = models.CharField(_("name"), max_length=80)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = _("service categories")
        constraints = [
            models.UniqueConstraint(fields=["clinic", "name"], name="category_name_unique"),
        ]

    def __str__(self):
        return self.name


class Service(models.Model):
    """Something a client can book. Money is integer minor units in the clinic's currency."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="services")
    category = models.ForeignKey(
        ServiceCategory, on_delete=models.PROTECT, related_name="services", null=True, blank=True
    )
    key = models.SlugField(_("key"), max_length=60)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    duration_minutes = models.PositiveIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(1), MaxValueValidator(24 * 60)]
    )
    price = models.PositiveIntegerField(_("price (minor units)"))
    buffer_before_minutes = models.PositiveIntegerField(_("buffer before (minutes)"), default=0)
    buffer_after_minutes = models.PositiveIntegerField(_("buffer after (minutes)"), default=0)
    deposit = models.PositiveIntegerField(_("deposit (minor units)"), null=True, blank=True)
    slot_step_minutes = models.PositiveIntegerField(
        _("slot step (minutes)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Leave empty for the clinic's default of 15 minutes."),
    )
    active = models.BooleanField(_("bookable"), default=True)
    image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    locations = models.ManyToManyField(
        Location,
        blank=True,
        related_name="services",
        help_text=_("Leave empty to offer the service at every location."),
    )
    position = models.PositiveIntegerField(default=0)
    colour = models.CharField(
        _("calendar colour"),
        max_length=16,
        choices=ServiceColour.choices,
        blank=True,
        help_text=_(
            "How this service's bookings look on the staff calendar. Leave empty for the "
            "default colour."
        ),
    )
    patch_test_months = models.PositiveSmallIntegerField(
        _("requires a patch test within (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_(
            "Leave empty if no patch test is needed. Online bookings without a passed "
            "test this recent are refused."
        ),
    )
    is_patch_test = models.BooleanField(
        _("this is the clinic's patch test"),
        default=False,
        help_text=_("Offered to clients who need a patch test before booking a treatment."),
    )
    # How long after a visit the client is due again (Botox 12 weeks, a clean 6 months):
    # the "due for your next treatment" nudge and the rebooking-rate report read it.
    rebooking_interval = models.DurationField(
        _("rebook after"),
        null=True,
        blank=True,
        help_text=_("Leave empty if clients are not reminded to come back for this service."),
    )

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "key"], name="service_key_unique"),
            models.UniqueConstraint(
                fields=["clinic"],
                condition=Q(is_patch_test=True),
                name="one_patch_test_service_per_clinic",
            ),
            models.CheckConstraint(
                condition=Q(deposit__isnull=True) | Q(deposit__lte=models.F("price")),
                name="deposit_not_above_price",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def step_minutes(self):
        return self.slot_step_minutes or DEFAULT_SLOT_STEP_MINUTES
