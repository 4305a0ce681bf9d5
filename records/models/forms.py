"""Consent and intake forms: templates managers edit per clinic, and the signed,
immutable record of each completion (answers, signature, PDF)."""

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.fields import StreamField

from branding.models import Clinic
from people.models.accounts import ClientAccount
from people.models.append_only import AppendOnlyModel


class _FieldBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("Question"), max_length=200)
    help_text = blocks.CharBlock(label=_("Help text"), max_length=300, required=False)
    required = blocks.BooleanBlock(label=_("Required"), required=False, default=True)


class ChoiceFieldBlock(_FieldBlock):
    choices = blocks.ListBlock(
        blocks.CharBlock(label=_("Choice"), max_length=120), label=_("Choices"), min_num=2
    )


# One block type per kind of answer; the block's name is the answer's type.
FORM_FIELD_BLOCKS = [
    ("text", _FieldBlock(label=_("Short text"), icon="pilcrow")),
    ("long_text", _FieldBlock(label=_("Long text"), icon="doc-full")),
    ("yes_no", _FieldBlock(label=_("Yes / no"), icon="tick")),
    ("choice", ChoiceFieldBlock(label=_("Choice"), icon="list-ul")),
    ("date", _FieldBlock(label=_("Date"), icon="date")),
]


class FormKind(models.TextChoices):
    CONSENT = "consent", _("Consent")
    INTAKE = "intake", _("Intake")


class FormTemplate(models.Model):
    """A consent or intake form a clinic asks its clients to sign. Editing it changes
    what is asked from now on; signed records keep the questions they were signed with."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="form_templates")
    title = models.CharField(_("title"), max_length=150)
    kind = models.CharField(_("kind"), max_length=16, choices=FormKind.choices)
    intro = models.TextField(
        _("introduction"), blank=True, help_text=_("Shown above the questions and in the PDF.")
    )
    fields = StreamField(FORM_FIELD_BLOCKS, verbose_name=_("questions"), blank=True)
    valid_for_months = models.PositiveSmallIntegerField(
        _("valid for (months)"),
        default=12,
        help_text=_("After this the client signs again (0: never expires)."),
    )
    services = models.ManyToManyField(
        "booking_api.Service",
        blank=True,
        related_name="required_forms",
        verbose_name=_("required before booking"),
        help_text=_("Online booking of these services waits until the form is signed."),
    )
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive forms are no longer asked for.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        # The table kept its name when the model moved here from ``clients``.
        db_table = "clients_formtemplate"
        ordering = ["title"]
        verbose_name = _("form template")
        constraints = [
            models.UniqueConstraint(fields=["clinic", "title"], name="form_title_unique"),
        ]

    def __str__(self):
        return self.title

    def questions(self):
        """The questions as plain dicts (``key``, ``type``, ``label``, ``help_text``,
        ``required``, ``choices``): what a signed record snapshots."""
        return [
            {
                "key": block.id,
                "type": block.block_type,
                "label": block.value["label"],
                "help_text": block.value.get("help_text") or "",
                "required": bool(block.value.get("required")),
                "choices": list(block.value.get("choices") or []),
            }
            for block in self.fields
        ]


class SignatureMethod(models.TextChoices):
    DRAWN = "drawn", _("Drawn and typed name")
    TYPED = "typed", _("Typed name")


class SignedForm(AppendOnlyModel):
    """One completed and signed form: immutable, with the questions as they were, the
    answers, the signature, where it was signed from and the PDF made at signing."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="signed_forms")
    client = models.ForeignKey(
        ClientAccount, on_delete=models.RESTRICT, related_name="signed_forms"
    )
    template = models.ForeignKey(FormTemplate, on_delete=models.PROTECT, related_name="signed")
    title = models.CharField(_("title"), max_length=150)
    questions = models.JSONField(_("questions"), encoder=DjangoJSONEncoder)
    answers = models.JSONField(_("answers"), encoder=DjangoJSONEncoder)
    typed_name = models.CharField(_("typed name"), max_length=150)
    signature_method = models.CharField(
        _("signature"), max_length=8, choices=SignatureMethod.choices
    )
    signature_png = models.BinaryField(_("drawn signature (PNG)"), blank=True, default=b"")
    signed_at = models.DateTimeField(_("signed"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=400, blank=True)
    # The PDF lives in the row: private by construction, immutable with it, and small.
    pdf = models.BinaryField(_("PDF"))
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64)

    class Meta:
        # The table kept its name when the model moved here from ``clients``.
        db_table = "clients_signedform"
        ordering = ["-signed_at", "-pk"]
        verbose_name = _("signed form")
        indexes = [
            models.Index(
                fields=["clinic", "client", "template", "-signed_at"], name="signed_latest"
            ),
        ]

    def __str__(self):
        return f"{self.title} — {self.client} ({self.signed_at:%Y-%m-%d})"


class FormReminder(models.Model):
    """A renewal reminder sent for one signed form: at most one per signed record."""

    signed_form = models.OneToOneField(
        SignedForm, on_delete=models.CASCADE, related_name="renewal_reminder"
    )
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "clients_formreminder"

    def __str__(self):
        return f"Renewal reminder for {self.signed_form}"
