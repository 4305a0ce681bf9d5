"""The Wagtail admin home for clinic staff: the Today panel (``records.today_selectors``),
added with Wagtail's ``construct_homepage_panels`` hook. Apps above add lines to its
"Requests waiting" with the ``register_today_waiting`` hook: a function of
``(request, clinic, role)`` returning ``records.today_selectors.WaitingItem`` rows
(loyalty: reward requests)."""

from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.admin.ui.components import Component

from booking_api.calendar_selectors import staff_for_user
from people.admin_toolkit.workspace import FRONT_DESK
from people.models import StaffRole
from records.today_selectors import WaitingItem, today_for

WAITING_HOOK = "register_today_waiting"
TODAY_ROLES = (*FRONT_DESK, StaffRole.THERAPIST)


def now():
    """The panel's clock (tests set it)."""
    return timezone.now()


class TodayPanel(Component):
    name = "clinic_today"
    template_name = "records/admin/today_panel.html"
    order = 10  # first, above Wagtail's own panels

    def __init__(self, request, clinic, role):
        self.request = request
        self.clinic = clinic
        self.role = role

    def get_context_data(self, parent_context=None):
        front_desk = self.role in FRONT_DESK
        staff_ids = None if front_desk else staff_for_user(self.clinic, self.request.user)
        today = today_for(self.clinic, now=now(), staff_ids=staff_ids)
        waiting = []
        if front_desk:
            for fn in hooks.get_hooks(WAITING_HOOK):
                waiting.extend(fn(self.request, self.clinic, self.role) or ())
            if today.waitlist_offered:
                waiting.append(
                    WaitingItem(
                        "waitlist_offered",
                        _("Waitlist offers sent (last day)"),
                        today.waitlist_offered,
                    )
                )
            if today.waitlist_waiting:
                waiting.append(
                    WaitingItem("waitlist_waiting", _("On the waitlist"), today.waitlist_waiting)
                )
            if today.unread_total:
                waiting.append(
                    WaitingItem(
                        "messages",
                        _("Unread messages"),
                        today.unread_total,
                        reverse("clinic_workspace:clients"),
                    )
                )
        return {
            "today": today,
            "clinic": self.clinic,
            "front_desk": front_desk,
            "waiting": [item for item in waiting if item.count],
            "home_url": reverse("wagtailadmin_home"),
            "calendar_url": reverse("booking_calendar:calendar"),
            "no_staff_profile": staff_ids == [] if staff_ids is not None else False,
            # Rendered without the request's context: the forms carry the token themselves.
            "csrf_token": get_token(self.request),
            "request": self.request,
        }
