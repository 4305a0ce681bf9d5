from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branding.models import Clinic
from branding.validators import validate_name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Signs in with their email; has one client account per clinic visited
    and, if they work at a clinic, a staff membership there."""

    # None for a client known by phone only (a walk-in added at the desk): they cannot
    # sign in until an address is added, and nothing is emailed to them. NULL, not "",
    # so any number of them fit the unique constraint.
    email = models.EmailField(_("email address"), unique=True, null=True, blank=True)
    first_name = models.CharField(
        _("first name"), max_length=80, blank=True, validators=[validate_name]
    )
    last_name = models.CharField(
        _("last name"), max_length=80, blank=True, validators=[validate_name]
    )
    is_staff = models.BooleanField(
        _("platform staff"),
        default=False,
        help_text=_("May use the Django admin. Clinic staff use the Wagtail admin instead."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        ordering = ["email"]

    def __str__(self):
        return self.get_full_name() or self.email or f"#{self.pk}"

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name or self.email or ""

    def save(self, *args, **kwargs):
        self.email = (self.email or "").strip().lower() or None
        # set_password() keeps the raw password until the save (a hash upgrade at sign-in
        # clears it first): a new password on an existing person, through whichever door
        # (portal, reset link, admin, manage.py), signs every app out.
        password_changed = self._password is not None and not self._state.adding
        super().save(*args, **kwargs)
        if password_changed:
            from people.services.devices import api_tokens_revoke

            api_tokens_revoke(user=self)


class ClientAccount(models.Model):
    """A person as a client of one clinic: their contact details and standing there."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="client_accounts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="client_accounts"
    )
    key = models.SlugField(
        _("import key"),
        max_length=60,
        blank=True,
        help_text=_("The client's id in an imported file or another system."),
    )
    phone = models.CharField(
        _("phone"), max_length=20, blank=True, help_text=_("E.164, e.g. +447700900123.")
    )
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    vip = models.BooleanField(_("VIP"), default=False)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    invited_at = models.DateTimeField(_("invited"), null=True, blank=True)
    online_booking_blocked = models.BooleanField(
        _("blocked from online booking"),
        default=False,
        help_text=_("Set by the no-show policy; staff can lift it."),
    )
    deactivated_at = models.DateTimeField(
        _("deactivated"),
        null=True,
        blank=True,
        help_text=_("A deactivated client stays listed but cannot book online."),
    )
    created_at = models.DateTimeField(_("client since"), default=timezone.now)
    # Name, email and phone normalised for search (see clients/search.py); kept in step
    # by save() and, for name or email changes on the user, by clients.receivers.
    search_text = models.TextField(editable=False, blank=True, default="")

    class Meta:
        ordering = ["user__last_name", "user__first_name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "user"], name="one_account_per_clinic"),
            models.UniqueConstraint(
                fields=["clinic", "key"], condition=~Q(key=""), name="client_key_unique_per_clinic"
            ),
        ]

    def __str__(self):
        return f"{self.user} at {self.clinic}"

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        # Saves of other fields (a flag, a date) leave the search text, and skip the
        # user lookup it needs.
        if update_fields is None or {"phone", "user"} & set(update_fields):
            self.search_text = self.compute_search_text()
            if update_fields is not None and "search_text" not in update_fields:
                kwargs["update_fields"] = [*update_fields, "search_text"]
        super().save(*args, **kwargs)

    def compute_search_text(self):
        from people.search import search_text_for

        user = self.user
        return search_text_for(
            first_name=user.first_name,
            last_name=user.last_name,
            email=user.email,
            phone=self.phone,
        )

    @property
    def name(self):
        return self.user.get_full_name() or self.user.email or self.phone

    @property
    def short_name(self):
        """The first name and the last name's initial ("Priya R."), for tight spaces such
        as a short booking on the calendar; the full name where there is only one."""
        first, last = self.user.first_name.strip(), self.user.last_name.strip()
        if first and last:
            return f"{first} {last[0]}."
        return self.name


class StaffRole(models.TextChoices):
    MANAGER = "manager", _("Clinic manager")
    STAFF = "staff", _("Staff")
    THERAPIST = "therapist", _("Therapist")


class ClinicMembership(models.Model):
    """A person who works at a clinic, and in which role. Grants the clinic's admin
    group for that role (see ``people.services.membership_grant``)."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=16, choices=StaffRole.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clinic", "user"], name="one_role_per_clinic"),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} at {self.clinic}"


class AuditAction(models.TextChoices):
    VIEW = "view", _("Viewed")
    SEARCH = "search", _("Searched")
    CREATE = "create", _("Created")
    CHANGE = "change", _("Changed")
    INVITE = "invite", _("Invited")
    EXPORT = "export", _("Exported")
    MESSAGE = "message", _("Messaged")
    NOTE = "note", _("Note")
    TEAM = "team", _("Team change")


class AuditLogError(Exception):
    """An attempt to rewrite or remove history."""


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditLogError("Audit entries cannot be changed.")

    def delete(self):
        raise AuditLogError("Audit entries cannot be deleted.")


class AuditEntry(models.Model):
    """One staff read or change of a client record (or of the clinic's team): who, what,
    when and from where. Append-only: written by ``people.services.audit_record`` and
    never changed or deleted (the model refuses; no admin offers it)."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="audit_entries")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.RESTRICT,
        null=True,
        related_name="audit_entries_made",
        verbose_name=_("who"),
    )
    client = models.ForeignKey(
        ClientAccount,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="audit_entries",
        help_text=_("Empty for clinic-level actions (e.g. the team)."),
    )
    action = models.CharField(_("action"), max_length=16, choices=AuditAction.choices)
    summary = models.CharField(_("summary"), max_length=300)
    changes = models.JSONField(
        _("changes"),
        default=dict,
        blank=True,
        encoder=DjangoJSONEncoder,
        help_text=_("Field name → [old value, new value]."),
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=400, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["clinic", "client", "-created_at"], name="audit_client_recent"),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor} {self.action}: {self.summary}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditLogError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogError("Audit entries cannot be deleted.")
