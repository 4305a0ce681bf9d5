"""Domain errors speak the person's language: raised under Bulgarian they come out in
Bulgarian (with their placeholders filled), under English exactly as before, and the
API of a Bulgarian clinic answers its refusals in Bulgarian with the same code."""

import datetime

import pytest
from django.utils import timezone, translation

from booking_api.lifecycle import BookingStatus
from booking_api.selectors import service_by_ref, staff_by_ref
from booking_api.services import booking_reschedule
from branding.errors import DomainError
from branding.services import features_update
from loyalty.services import points_award
from payments.cards import card_charge
from people.phones import phone_to_e164
from records.documents.signature import signature_png_from_data_url
from records.message_services import thread_start
from tests.fixtures.booking import add_booking

pytestmark = pytest.mark.django_db


def _refusal(call):
    with pytest.raises(DomainError) as refused:
        call()
    error = refused.value
    return error.message, error.code, error.status, error.field


def _samples(clinic, patient):
    return [
        lambda: phone_to_e164("abc"),
        lambda: service_by_ref(clinic, ""),
        lambda: staff_by_ref(clinic, "zz"),
        lambda: points_award(clinic=clinic, client=patient, amount=0, reason="visit"),
        lambda: features_update(clinic=clinic, nonsense=True),
    ]


def test_a_sample_of_errors_raised_under_bulgarian_come_out_in_bulgarian(clinic, patient):
    with translation.override("bg"):
        got = [_refusal(call) for call in _samples(clinic, patient)]
    assert got == [
        ("abc не е телефонен номер.", "phone_invalid", 400, "phone"),
        ("Изберете услуга.", "required", 400, "service"),
        ("В тази клиника няма служител 'zz'.", "unknown_reference", 400, "staff"),
        ("Въведете цяло число, по-голямо от нула.", "amount_invalid", 400, "amount"),
        (
            "Непознат превключвател на функция 'nonsense'.",
            "unknown_feature",
            400,
            "nonsense",
        ),
    ]


def test_in_english_the_messages_are_what_they_were(clinic, patient):
    with translation.override("en"):
        messages = [_refusal(call)[0] for call in _samples(clinic, patient)]
    assert messages == [
        "abc is not a phone number.",
        "Choose a service.",
        "There is no staff member 'zz' at this clinic.",
        "Enter a whole number greater than zero.",
        "Unknown feature toggle 'nonsense'.",
    ]


def test_a_bulgarian_clinics_api_refuses_in_bulgarian_with_the_same_code(api, clinic, patient):
    clinic.language = "bg"
    clinic.save()
    api.force_authenticate(user=patient.user)
    response = api.post("/api/v1/cart", {"service": "nope"}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "В тази клиника няма услуга 'nope'.",
        "code": "unknown_reference",
        "field": "service",
        "errors": {"service": ["В тази клиника няма услуга 'nope'."]},
    }


def test_the_last_converted_files_refuse_in_bulgarian_with_their_codes(
    clinic, patient, service, emma
):
    # One raise from each package that was pending: booking (a translated status label
    # fills the placeholder), payments, records' messages and signatures.
    start = timezone.now() + datetime.timedelta(days=3)
    cancelled = add_booking(clinic, patient, service, emma, start, status=BookingStatus.CANCELLED)
    calls = [
        lambda: booking_reschedule(booking=cancelled, start=start, by_client=True),
        lambda: card_charge(booking=cancelled, kind="bogus"),
        lambda: thread_start(clinic=clinic, client=patient, author=None, subject="", body="x"),
        lambda: signature_png_from_data_url("data:image/png;base64,!!"),
    ]
    with translation.override("bg"):
        got = [_refusal(call) for call in calls]
    assert got == [
        (
            "Тази резервация е отменена и не може да бъде преместена.",
            "invalid_transition",
            409,
            "status",
        ),
        (
            "Изберете плащане на остатък, такса за късна отмяна или такса за неявяване.",
            "charge_invalid",
            400,
            "kind",
        ),
        ("Дайте тема на съобщението.", "required", 400, "subject"),
        ("Нарисуваният подпис не можа да бъде прочетен.", "signature_invalid", 400, "signature"),
    ]
    with translation.override("en"):
        assert _refusal(calls[0])[0] == "This booking is cancelled and cannot be moved."
