"""Payment links (issue 12): staff send the patient a link to pay a no-show fee (no card
on file) or a visit's balance; the patient pays on the clinic's domain without signing
in, against localstripe; the fee or balance settles; closed, tampered and other clinics'
links charge nothing."""

import datetime
import json

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from booking_api.models import BookingStatus
from booking_api.services import booking_create, booking_transition
from branding.services import policy_update
from payments import cards
from payments.errors import PaymentErrorCode
from payments.models import Payment, PaymentKind, PaymentLink, PaymentLinkStatus, PaymentStatus
from payments.pay_links import pay_link_token, pay_link_url
from payments.services.pay_links import pay_link_cancel, pay_link_create
from people.models import AuditEntry
from tests.fixtures.booking import MONDAY, at
from tests.fixtures.clinics import host_client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def sms_folder(settings, tmp_path):
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = tmp_path / "sms"
    return settings.SMS_FILE_PATH


def texts(folder):
    if not folder.exists():
        return []
    return [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))]


def staff_client(user, clinic):
    client = Client(HTTP_HOST=clinic.site.hostname)
    client.force_login(user)
    return client


def payments_page(booking):
    return f"/admin/payments/bookings/{booking.pk}/"


@pytest.fixture
def no_show(clinic, open_policy, service, emma, patient):
    """A missed consultation (£45.00) with a £20.00 no-show fee and no card on file."""
    policy_update(clinic=clinic, no_show_fee_kind="fixed", no_show_fee_value=2000)
    booking = booking_create(
        clinic=clinic, client=patient, service=service, staff=emma, start=at(MONDAY, "10:00")
    )
    return booking_transition(
        booking=booking, to_status=BookingStatus.NO_SHOW, now=at(MONDAY, "11:00")
    )


@pytest.fixture
def visit(clinic, open_policy, service, emma, patient):
    """A booked consultation (£45.00), nothing paid."""
    return booking_create(
        clinic=clinic, client=patient, service=service, staff=emma, start=at(MONDAY, "14:00")
    )


def _path(link):
    return f"/pay/{pay_link_token(link)}/"


def test_no_show_fee_without_a_card_is_sent_by_link_and_settled_by_paying_it(
    no_show, clinic, staff_user, patient, mailoutbox, sms_folder, django_capture_on_commit_callbacks
):
    staff = staff_client(staff_user, clinic)
    appointment = BeautifulSoup(
        staff.get(reverse("booking_calendar:booking", args=[no_show.pk])).content.decode(),
        "html.parser",
    )
    assert appointment.select_one("[data-send-pay-link]")["href"] == (
        payments_page(no_show) + "#pay-links"
    )
    page = staff.get(payments_page(no_show)).content.decode()
    assert "Send payment link" in page and "No-show fee (£20.00)" in page
    with django_capture_on_commit_callbacks(execute=True):
        sent = staff.post(
            payments_page(no_show) + "pay-link/",
            {
                "kind": "no_show_fee",
                "amount": "",
                "reason": "Missed appointment",
                "days": "7",
                "send_by": ["email", "sms"],
            },
            follow=True,
        )
    assert "Payment link for £20.00 sent." in sent.content.decode()
    link = PaymentLink.objects.get()
    url = pay_link_url(link)
    assert url.startswith(f"https://{clinic.site.hostname}/pay/")
    (email,) = [m for m in mailoutbox if "payment request" in m.subject]
    assert email.to == [patient.user.email] and url in email.body and "£20.00" in email.body
    (text,) = texts(sms_folder)
    assert text["to"] == patient.phone and url in text["body"]
    assert AuditEntry.objects.filter(summary__contains="payment link for the no-show fee").exists()

    visitor = host_client(clinic)  # not signed in: the token is the credential
    shown = visitor.get(_path(link))
    html = shown.content.decode()
    assert shown.status_code == 200
    assert clinic.name in html and "Missed appointment" in html and "£20.00" in html
    assert patient.user.email not in html and patient.phone not in html
    with django_capture_on_commit_callbacks(execute=True):
        paid = visitor.post(_path(link), {"card": "success"})
    assert "Thank you: your payment went through." in paid.content.decode()

    link.refresh_from_db()
    payment = Payment.objects.get()
    assert link.status == PaymentLinkStatus.PAID and link.payment == payment
    assert (payment.kind, payment.status, payment.amount_captured) == (
        PaymentKind.NO_SHOW_FEE,
        PaymentStatus.SUCCEEDED,
        2000,
    )
    assert cards.charge_due(no_show, PaymentKind.NO_SHOW_FEE) == 0  # the fee is settled
    soup = BeautifulSoup(staff.get(payments_page(no_show)).content.decode(), "html.parser")
    assert soup.select_one("[data-pay-link]")["data-state"] == "paid"
    assert "No-show fee" in soup.select_one("[data-payments]").get_text()

    # Used: the same link again shows it paid and charges nothing more.
    again = visitor.post(_path(link), {"card": "success"})
    assert "already been paid" in again.content.decode()
    assert Payment.objects.count() == 1


def test_the_balance_of_a_visit_is_paid_by_link_and_the_client_balance_settles(
    visit, clinic, staff_user, patient, django_capture_on_commit_callbacks
):
    staff = staff_client(staff_user, clinic)
    tab = staff.get(f"/admin/clinic/clients/{patient.pk}/?tab=balance")
    tabs = {t.key: context for t, context in tab.context["tabs"]}
    assert tabs["balance"]["outstanding"] == "£45.00"
    link = pay_link_create(booking=visit, kind=PaymentKind.BALANCE, actor=staff_user, send_by=[])
    assert link.amount == 4500
    with django_capture_on_commit_callbacks(execute=True):
        host_client(clinic).post(_path(link), {"card": "success"})
    tab = staff.get(f"/admin/clinic/clients/{patient.pk}/?tab=balance")
    tabs = {t.key: context for t, context in tab.context["tabs"]}
    assert tabs["balance"]["outstanding"] == "£0.00"
    appointment = staff.get(reverse("booking_calendar:booking", args=[visit.pk]))
    soup = BeautifulSoup(appointment.content.decode(), "html.parser")
    assert soup.select_one("[data-payment-status]").get_text(strip=True) == "Paid"
    assert "Payment link: Balance £45.00 — Paid" in soup.select_one(
        "[data-appointment-pay-links]"
    ).get_text(" ", strip=True)


def test_a_declined_card_charges_nothing_and_the_next_card_pays(
    no_show, clinic, staff_user, django_capture_on_commit_callbacks
):
    link = pay_link_create(
        booking=no_show, kind=PaymentKind.NO_SHOW_FEE, actor=staff_user, send_by=[]
    )
    visitor = host_client(clinic)
    declined = visitor.post(_path(link), {"card": "decline_generic"})
    assert declined.status_code == 402
    assert not Payment.objects.filter(status=PaymentStatus.SUCCEEDED).exists()
    with django_capture_on_commit_callbacks(execute=True):
        visitor.post(_path(link), {"card": "success"})
    link.refresh_from_db()
    assert link.status == PaymentLinkStatus.PAID


def test_another_clinics_domain_or_a_tampered_token_is_not_found(
    no_show, clinic, other_clinic, staff_user
):
    link = pay_link_create(
        booking=no_show, kind=PaymentKind.NO_SHOW_FEE, actor=staff_user, send_by=[]
    )
    assert host_client(other_clinic).get(_path(link)).status_code == 404
    assert host_client(other_clinic).post(_path(link), {"card": "success"}).status_code == 404
    token = pay_link_token(link)
    assert host_client(clinic).get(f"/pay/{token[:-2]}xx/").status_code == 404
    assert not Payment.objects.exists()


def test_expired_and_cancelled_links_say_so_and_charge_nothing(
    no_show, clinic, staff_user, django_capture_on_commit_callbacks
):
    link = pay_link_create(
        booking=no_show, kind=PaymentKind.NO_SHOW_FEE, actor=staff_user, send_by=[]
    )
    PaymentLink.objects.filter(pk=link.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    expired = host_client(clinic).post(_path(link), {"card": "success"})
    assert expired.status_code == 410 and "has expired" in expired.content.decode()
    assert not Payment.objects.exists()

    fresh = pay_link_create(
        booking=no_show, kind=PaymentKind.NO_SHOW_FEE, actor=staff_user, send_by=[]
    )
    host_client(clinic).get(_path(fresh))  # the intent is made on the first visit
    staff = staff_client(staff_user, clinic)
    done = staff.post(payments_page(no_show) + f"pay-link/{fresh.pk}/cancel/", follow=True)
    assert "Payment link cancelled." in done.content.decode()
    fresh.refresh_from_db()
    assert fresh.status == PaymentLinkStatus.CANCELLED
    assert fresh.payment.status == PaymentStatus.CANCELED  # its intent cancelled at Stripe
    gone = host_client(clinic).post(_path(fresh), {"card": "success"})
    assert gone.status_code == 410 and "cancelled by the clinic" in gone.content.decode()
    assert not Payment.objects.filter(status=PaymentStatus.SUCCEEDED).exists()
    assert AuditEntry.objects.filter(
        summary__contains=f"Cancelled payment link {fresh.pk}"
    ).exists()


def test_refusals_name_the_field_and_write_nothing(no_show, visit, clinic, staff_user, patient):
    def refused(**kwargs):
        with pytest.raises(Exception) as caught:
            pay_link_create(actor=staff_user, **kwargs)
        return caught.value

    too_much = refused(booking=no_show, kind=PaymentKind.NO_SHOW_FEE, amount=2001, send_by=[])
    assert (too_much.field, too_much.code) == ("amount", PaymentErrorCode.AMOUNT_INVALID.value)
    wrong = refused(booking=visit, kind=PaymentKind.NO_SHOW_FEE, send_by=[])
    assert wrong.field == "kind"
    patient.phone = ""
    patient.save()
    no_phone = refused(booking=no_show, kind=PaymentKind.NO_SHOW_FEE, send_by=["sms"])
    assert (no_phone.field, no_phone.code) == ("send_by", PaymentErrorCode.LINK_CHANNEL.value)
    assert (
        not PaymentLink.objects.exists()
        and not AuditEntry.objects.filter(summary__contains="payment link").exists()
    )
    pay_link_create(booking=no_show, kind=PaymentKind.NO_SHOW_FEE, actor=staff_user, send_by=[])
    twice = refused(booking=no_show, kind=PaymentKind.NO_SHOW_FEE, send_by=[])
    assert twice.code == PaymentErrorCode.LINK_OPEN.value
    assert PaymentLink.objects.count() == 1


def test_another_clinics_staff_cannot_see_or_cancel_the_link(
    no_show, clinic, other_clinic, other_manager, staff_user
):
    link = pay_link_create(
        booking=no_show, kind=PaymentKind.NO_SHOW_FEE, actor=staff_user, send_by=[]
    )
    outsider = staff_client(other_manager, other_clinic)
    assert outsider.post(payments_page(no_show) + f"pay-link/{link.pk}/cancel/").status_code == 404
    link.refresh_from_db()
    assert link.status == PaymentLinkStatus.OPEN
    assert pay_link_cancel(link=link, actor=staff_user).status == PaymentLinkStatus.CANCELLED


def test_paid_through_stripe_js_the_return_page_settles_it_once(
    no_show, clinic, staff_user, django_capture_on_commit_callbacks
):
    from payments.charges import charge_confirm

    link = pay_link_create(
        booking=no_show, kind=PaymentKind.NO_SHOW_FEE, actor=staff_user, send_by=[]
    )
    visitor = host_client(clinic)
    visitor.get(_path(link))  # the page makes the intent; Stripe.js confirms it
    payment = PaymentLink.objects.get(pk=link.pk).payment
    charge_confirm(
        clinic=clinic,
        intent_id=payment.stripe_payment_intent_id,
        payment_method="success",
        client=no_show.client,
        key=payment.idempotency_key,
        attempt=1,
        purpose="payment_link",
        metadata={},
    )
    with django_capture_on_commit_callbacks(execute=True):
        back = visitor.get(_path(link) + "?returned=1")
        again = visitor.get(_path(link) + "?returned=1")
    assert "already been paid" in back.content.decode()
    assert again.status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED
    assert PaymentLink.objects.get(pk=link.pk).status == PaymentLinkStatus.PAID
    assert Payment.objects.filter(status=PaymentStatus.SUCCEEDED).count() == 1


def test_a_fee_waived_after_the_link_was_sent_is_not_taken(no_show, clinic, staff_user):
    from booking_api.services import booking_fee_waive

    link = pay_link_create(
        booking=no_show, kind=PaymentKind.NO_SHOW_FEE, actor=staff_user, send_by=[]
    )
    booking_fee_waive(booking=no_show, actor=staff_user, reason="first time")
    answer = host_client(clinic).post(_path(link), {"card": "success"})
    assert answer.status_code == 410 and "Nothing more is owed" in answer.content.decode()
    assert not Payment.objects.filter(status=PaymentStatus.SUCCEEDED).exists()


def test_the_webhook_alone_settles_the_link_once(
    no_show, clinic, staff_user, localstripe, django_capture_on_commit_callbacks
):
    from payments.stripe_api import stripe_client
    from tests.payments.test_webhooks import post, signed, succeeded_event

    link = pay_link_create(
        booking=no_show, kind=PaymentKind.NO_SHOW_FEE, actor=staff_user, send_by=[]
    )
    host_client(clinic).get(_path(link))  # the page makes the intent
    payment = PaymentLink.objects.get(pk=link.pk).payment
    api = stripe_client(clinic)  # Stripe.js pays; only the webhook tells us
    api.PaymentIntent.modify(payment.stripe_payment_intent_id, payment_method="pm_card_visa")
    api.PaymentIntent.confirm(payment.stripe_payment_intent_id)
    payload = succeeded_event(localstripe, payment)
    with django_capture_on_commit_callbacks(execute=True):
        assert post(payload, signed(payload)).status_code == 200
        post(payload, signed(payload))  # delivered twice: once
    link.refresh_from_db()
    payment.refresh_from_db()
    assert link.status == PaymentLinkStatus.PAID and payment.status == PaymentStatus.SUCCEEDED
    assert no_show.events.filter(kind="payment").count() == 1
    assert cards.charge_due(no_show, PaymentKind.NO_SHOW_FEE) == 0
