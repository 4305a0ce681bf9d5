"""Spin-the-wheel and scratch-card games a manager sets up for their clinic, and every
play of them.

A ``GamePlay`` is written before the browser is told the outcome, and keeps a copy of
what was won (label, kind, points) so the record stays true when a manager later edits
or removes the prize.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable

from branding.models import Clinic
from people.models import ClientAccount


class GameKind(models.TextChoices):
    WHEEL = "wheel", _("Spin the wheel")
    SCRATCH = "scratch", _("Scratch card")


class PlayLimitPeriod(models.TextChoices):
    DAY = "day", _("per day")
    WEEK = "week", _("per week")
    BOOKING = "booking", _("per completed visit")


class Eligibility(models.TextChoices):
    EVERYONE = "everyone", _("Every signed-in client")
    AFTER_VISIT = "after_visit", _("Clients who have completed a visit")


class PrizeKind(models.TextChoices):
    POINTS = "points", _("Points")
    VOUCHER = "voucher", _("A reward voucher")
    NOTHING = "nothing", _("Nothing (try again)")


class Game(ClusterableModel):
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="games")
    key = models.SlugField(
        _("import key"), max_length=60, blank=True, help_text=_("How an import file names it.")
    )
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=8, choices=GameKind.choices)
    description = models.CharField(_("description"), max_length=240, blank=True)
    plays_allowed = models.PositiveSmallIntegerField(
        _("plays allowed"), default=1, help_text=_("How many plays a client gets per period.")
    )
    limit_period = models.CharField(
        _("period"), max_length=8, choices=PlayLimitPeriod.choices, default=PlayLimitPeriod.DAY
    )
    eligibility = models.CharField(
        _("who may play"), max_length=12, choices=Eligibility.choices, default=Eligibility.EVERYONE
    )
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("game")
        verbose_name_plural = _("games")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "key"], condition=~models.Q(key=""), name="game_key_per_clinic"
            ),
            models.CheckConstraint(
                condition=models.Q(plays_allowed__gte=1), name="game_plays_allowed_positive"
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The end is before the start.")})

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.active
            and (self.starts_at is None or self.starts_at <= now)
            and (self.ends_at is None or now < self.ends_at)
        )


class GamePrize(Orderable):
    game = ParentalKey(Game, on_delete=models.CASCADE, related_name="prizes")
    label = models.CharField(_("label"), max_length=60)
    kind = models.CharField(_("prize"), max_length=8, choices=PrizeKind.choices)
    points = models.PositiveIntegerField(
        _("points"), null=True, blank=True, help_text=_("For a points prize.")
    )
    reward = models.ForeignKey(
        "loyalty.Reward",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="game_prizes",
        verbose_name=_("reward"),
        help_text=_("For a voucher prize: the reward whose voucher is won."),
    )
    weight = models.PositiveIntegerField(
        _("weight"),
        default=1,
        help_text=_("Relative chance: a prize of weight 2 comes up twice as often as 1."),
    )
    stock = models.PositiveIntegerField(
        _("stock left"),
        null=True,
        blank=True,
        help_text=_("How many more can be won. Leave empty for no limit."),
    )

    class Meta(Orderable.Meta):
        verbose_name = _("prize")
        verbose_name_plural = _("prizes")
        constraints = [
            models.CheckConstraint(condition=models.Q(weight__gte=1), name="prize_weight_positive"),
            models.CheckConstraint(
                condition=~models.Q(kind="points") | models.Q(points__gte=1),
                name="points_prize_has_points",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="voucher") | models.Q(reward__isnull=False),
                name="voucher_prize_has_reward",
            ),
        ]

    def __str__(self):
        return self.label

    def clean(self):
        if self.kind == PrizeKind.POINTS and not self.points:
            raise ValidationError({"points": _("A points prize needs a number of points.")})
        if self.kind == PrizeKind.VOUCHER:
            if self.reward_id is None:
                raise ValidationError({"reward": _("A voucher prize needs a reward.")})
            if self.game_id and self.reward.clinic_id != self.game.clinic_id:
                raise ValidationError({"reward": _("Choose one of this clinic's rewards.")})
        if self.kind != PrizeKind.POINTS:
            self.points = None
        if self.kind != PrizeKind.VOUCHER:
            self.reward = None


class GamePlay(models.Model):
    """One play: who, which game, what came up. Never edited."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    game = models.ForeignKey(Game, on_delete=models.PROTECT, related_name="plays")
    client = models.ForeignKey(ClientAccount, on_delete=models.PROTECT, related_name="game_plays")
    prize = models.ForeignKey(
        GamePrize, on_delete=models.SET_NULL, null=True, blank=True, related_name="plays"
    )
    prize_label = models.CharField(_("prize"), max_length=60)
    prize_kind = models.CharField(_("kind"), max_length=8, choices=PrizeKind.choices)
    points = models.PositiveIntegerField(_("points"), null=True, blank=True)
    ledger_entry = models.OneToOneField(
        "loyalty.LedgerEntry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="game_play",
    )
    voucher = models.OneToOneField(
        "loyalty.Voucher",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="game_play",
    )
    played_at = models.DateTimeField(_("played"), default=timezone.now)

    class Meta:
        verbose_name = _("game play")
        verbose_name_plural = _("game plays")
        ordering = ["-played_at", "-id"]
        indexes = [
            models.Index(fields=["game", "client", "played_at"], name="gameplay_client_period")
        ]

    def __str__(self):
        return f"{self.client_id} → {self.prize_label}"

    @property
    def won(self) -> bool:
        return self.prize_kind != PrizeKind.NOTHING
