"""The desk's end of the wallet pass: its QR code holds this view's address
(``loyalty.wallet.membership.check_in_url``). Staff who open it — a phone's camera, a desk
scanner typing into the browser — check in the member's booking that is due now (from an
hour before its start to its end), through ``booking_api.services.booking_check_in``
(audited, ``via="wallet_pass"``), and see the client's day.

Opening the address checks in only on a direct navigation (``Sec-Fetch-Site`` ``none``:
scanned, typed, bookmarked; or from the admin itself); a page of another site that points
a staff member's browser here, or a browser that does not say, gets the same page with a
"Check in" button (POST, CSRF-protected) instead — a GET that writes must not be
something another site can trigger."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from booking_api.calendar_selectors import check_in_due, client_bookings_today, staff_for_user
from booking_api.services import booking_check_in
from branding.errors import DomainError
from loyalty.wallet.membership import client_for_member_number
from people.admin_toolkit.workspace import FRONT_DESK, ClinicWorkspaceMixin, request_admin_role
from people.models import StaffRole

DIRECT_NAVIGATION = ("none", "same-origin")


class WalletCheckInView(ClinicWorkspaceMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "loyalty/admin/wallet_check_in.html"
    page_title = gettext_lazy("Check-in")
    header_icon = "user"
    roles = (*FRONT_DESK, StaffRole.THERAPIST)

    def setup_client(self, number):
        self.client = client_for_member_number(self.clinic, number)
        if self.client is None:
            raise Http404(_("No member of this clinic has that number."))
        # A therapist checks in only their own clients' bookings.
        self.staff_ids = (
            None
            if request_admin_role(self.request) in FRONT_DESK
            else staff_for_user(self.clinic, self.request.user)
        )

    def get_page_subtitle(self):
        return self.client.name

    def _check_in_due(self, now):
        checked = []
        for booking in check_in_due(
            client_bookings_today(self.clinic, self.client, now=now, staff_ids=self.staff_ids),
            now,
        ):
            try:
                checked.append(
                    booking_check_in(
                        booking=booking,
                        actor=self.request.user,
                        via="wallet_pass",
                        request=self.request,
                    )
                )
            except DomainError as exc:
                messages.error(self.request, exc.message)
        for booking in checked:
            messages.success(
                self.request,
                _("%(client)s is checked in for %(service)s.")
                % {"client": self.client.name, "service": booking.service.name},
            )
        return checked

    def get(self, request, number):
        self.setup_client(number)
        direct = request.headers.get("Sec-Fetch-Site") in DIRECT_NAVIGATION
        if direct and self._check_in_due(timezone.now()):
            return redirect(request.path)
        return super().get(request, number=number)

    def post(self, request, number):
        self.setup_client(number)
        self._check_in_due(timezone.now())
        return redirect(request.path)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        today = client_bookings_today(self.clinic, self.client, now=now, staff_ids=self.staff_ids)
        context.update(
            member=self.client,
            today=today,
            due=check_in_due(today, now),
            client_url=reverse("clinic_workspace:client_detail", args=[self.client.pk])
            if request_admin_role(self.request) in FRONT_DESK
            else None,
        )
        return context
