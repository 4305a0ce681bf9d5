"""Points added for a visit, a birthday or by the clinic reach the patient as a short
notice in their notification centre (no email each time), once, in the clinic's
language and with the unit as patients read it."""

import pytest
from django.core import mail
from django.utils import timezone

from loyalty.earning import birthday_bonuses_award
from loyalty.models import LedgerEntry, unit_label
from loyalty.services import programme_upsert
from notifications.models import Delivery, Notification
from tests.fixtures.loyalty import complete_visit as complete

pytestmark = pytest.mark.django_db


def notices(user):
    return list(
        Notification.objects.filter(user=user, kind="points_added").values_list("title", "body")
    )


def test_a_completed_visit_tells_the_patient_what_it_earned_once(
    clinic, open_policy, service, emma, patient, staff_user, programme
):
    mail.outbox.clear()
    booking = complete(clinic, patient, service, emma, staff_user)
    earned = booking.price // 100 + 10  # programme: 1 per currency unit, 10 per visit
    assert notices(patient.user) == [
        (
            f"+{earned} paws",
            f"For your visit: {service.name}. Your balance is {earned} paws.",
        )
    ]
    # A notice, not an email: no email delivery, nothing in the outbox.
    assert not Delivery.objects.filter(notification__kind="points_added", channel="email").exists()
    assert not [m for m in mail.outbox if "paws" in m.subject]
    entry = LedgerEntry.objects.get(client=patient)
    from loyalty.notices import points_added_tell

    points_added_tell(entry, why="again")  # a retried task
    assert len(notices(patient.user)) == 1


def test_a_bulgarian_clinic_tells_it_in_bulgarian_with_the_built_in_unit(clinic, patient):
    clinic.language = "bg"
    clinic.save(update_fields=["language"])
    programme_upsert(clinic=clinic, birthday_bonus=25)  # unit left as "points"
    patient.date_of_birth = timezone.localdate().replace(year=1990)
    patient.save()
    birthday_bonuses_award()
    assert notices(patient.user) == [
        ("+25 точки", "Честит рожден ден от всички нас. Балансът ви е 25 точки.")
    ]


def test_the_unit_label_translates_only_the_built_in_words():
    from django.utils import translation

    with translation.override("bg"):
        assert (unit_label("points"), unit_label("paws"), unit_label("")) == (
            "точки",
            "paws",
            "точки",
        )
    assert unit_label("Points") == "points"


def test_points_added_by_staff_tell_the_patient_in_their_words(
    clinic, patient, programme, staff_user, rf
):
    from loyalty.staff.actions import staff_points_add

    request = rf.post("/")
    request.user = staff_user
    staff_points_add(
        request=request, clinic=clinic, client=patient, amount=20, reason="Sorry for the wait"
    )
    assert notices(patient.user) == [("+20 paws", "Sorry for the wait. Your balance is 20 paws.")]
