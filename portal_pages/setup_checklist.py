"""The managers' setup checklist on the admin home: what a new clinic still needs before
patients can use its portal (branding, services, staff, policies, online payments, the
home page's cards). Each step says where to fix it and ticks itself once done (read here,
from the clinic's own rows); the panel disappears when every step is done. Added with
Wagtail's ``construct_homepage_panels`` hook (``portal_pages.wagtail_hooks``)."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.admin.ui.components import Component

from booking_api.models import Service, StaffMember, WorkingHours
from branding.models import PaymentMode
from branding.selectors import clinic_branding, clinic_policy


@dataclass(frozen=True)
class SetupStep:
    key: str
    label: str
    done: bool
    url: str
    hint: str = ""


def _edited_by_a_person(page) -> bool:
    """A page someone saved in the admin (the starter pages are saved by no one)."""
    revision = page.latest_revision if page is not None else None
    return revision is not None and revision.user_id is not None


def _payments_connected(clinic, policy) -> bool:
    """The clinic can take what its policy asks online. A clinic that takes no online
    payment has nothing to connect."""
    if policy.payment_mode == PaymentMode.NONE:
        return True
    return bool(settings.STRIPE_SECRET_KEY)


def setup_steps(clinic) -> list[SetupStep]:
    """The checklist for ``clinic``, in order, each step done or not."""
    from portal_pages.models import PolicyPage

    site_id = clinic.site_id
    branding = clinic_branding(clinic)
    policy = clinic_policy(clinic)
    home = clinic.site.root_page
    policy_page = (
        PolicyPage.objects.child_of(home).select_related("latest_revision").order_by("pk").first()
    )
    home_page = type(home).objects.select_related("latest_revision").get(pk=home.pk)
    services_ready = Service.objects.filter(clinic=clinic, active=True).exists()
    staff_ready = (
        StaffMember.objects.filter(clinic=clinic, active=True, services__active=True)
        .filter(Exists(WorkingHours.objects.filter(staff=OuterRef("pk"))))
        .exists()
    )
    policy_settings_url = reverse(
        "wagtailsettings:edit", args=["branding", "bookingpolicysettings", site_id]
    )
    return [
        SetupStep(
            "branding",
            _("Add your logo and colours"),
            branding.logo_id is not None,
            reverse("wagtailsettings:edit", args=["branding", "brandingsettings", site_id]),
        ),
        SetupStep(
            "services",
            _("Add the services clients can book"),
            services_ready,
            reverse("booking_services:index"),
        ),
        SetupStep(
            "staff",
            _("Add staff with working hours and the services they offer"),
            staff_ready,
            reverse("booking_staff:index"),
        ),
        SetupStep(
            "policies",
            _("Review your booking and cancellation policy"),
            _edited_by_a_person(policy_page),
            reverse("wagtailadmin_pages:edit", args=[policy_page.pk])
            if policy_page
            else policy_settings_url,
            _("Save the policy page once you have read it."),
        ),
        SetupStep(
            "payments",
            _("Connect online payments"),
            _payments_connected(clinic, policy),
            policy_settings_url,
            _("Or choose 'No online payment' in the booking policies."),
        ),
        SetupStep(
            "cards",
            _("Arrange the cards on your portal's home page"),
            _edited_by_a_person(home_page),
            reverse("wagtailadmin_pages:edit", args=[home.pk]),
            _("Save or publish the home page once the cards suit you."),
        ),
    ]


class SetupChecklistPanel(Component):
    name = "clinic_setup_checklist"
    template_name = "portal_pages/admin/setup_checklist.html"
    order = 5  # above the Today panel

    def __init__(self, clinic, steps):
        self.clinic = clinic
        self.steps = steps

    def get_context_data(self, parent_context=None):
        return {
            "clinic": self.clinic,
            "steps": self.steps,
            "done_count": sum(step.done for step in self.steps),
        }
