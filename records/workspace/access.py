"""Who may see and change a client's account in the admin.

- Managers and front-desk staff: every client of their clinic; they edit contact
  details, tags, VIP, preferences, and archive or deactivate.
- Therapists: only clients they have (or had) an appointment with, read only apart
  from internal notes, which they may add and pin.
Another clinic's client, or a client a therapist has never seen, answers 404.
"""

from django.http import Http404

from booking_api.client_selectors import client_seen_by_staff_user
from people.models import StaffRole
from people.selectors import client_for_staff

ALL_ROLES = (StaffRole.MANAGER, StaffRole.STAFF, StaffRole.THERAPIST)
EDITORS = (StaffRole.MANAGER, StaffRole.STAFF)


def client_for_viewer(clinic, pk, *, user, role):
    account = client_for_staff(clinic, pk)
    if account is None:
        raise Http404("No such client.")
    if role not in EDITORS and not client_seen_by_staff_user(clinic, account, user):
        raise Http404("No such client.")
    return account


def may_edit(role):
    return role in EDITORS
