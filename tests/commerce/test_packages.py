"""Packages through the real flows: bought online (localstripe) or at the desk, a
session used at booking only when the patient chooses it, given back on a cancellation
in time, kept on a late one and on a no-show as the package says; refused, with
nothing written, when spent, expired, another patient's or another service's."""

import datetime

import pytest

from booking_api.coverage import cover_options
from booking_api.models import Booking, BookingStatus
from booking_api.services import booking_cancel, booking_create, booking_mark_no_show
from branding.errors import DomainError
from branding.models import PaymentMode
from branding.services import features_update, policy_update
from commerce.models import EntryKind, Package, PackageEntry, Purchase, PurchaseStatus
from commerce.packages.selectors import package_balance
from commerce.packages.services import package_adjust, package_buy_start
from commerce.purchases import purchase_confirm, purchase_refund
from tests.factories.booking import ServiceFactory
from tests.factories.clients import ClientAccountFactory
from tests.fixtures.booking import MONDAY, at, early_now

pytestmark = pytest.mark.usefixtures("open_policy")


def book(clinic, patient, service, emma, hhmm="10:00", package="", **kwargs):
    return booking_create(
        clinic=clinic,
        client=patient,
        service=service,
        staff=emma,
        start=at(MONDAY, hhmm),
        source="portal",
        package=package,
        **kwargs,
    )


def ref(package):
    return f"commerce:package:{package.pk}"


@pytest.mark.usefixtures("stripe_at_localstripe")
def test_buying_online_issues_the_package_once_and_emails_a_receipt(
    clinic, patient, plan, mailoutbox, django_capture_on_commit_callbacks
):
    purchase = package_buy_start(clinic=clinic, client=patient, plan_id=plan.pk)
    assert purchase.client_secret and purchase.stripe_payment_intent_id
    assert not Package.objects.exists()  # nothing given before the money is taken

    with django_capture_on_commit_callbacks(execute=True):
        purchase = purchase_confirm(purchase=purchase, payment_method="success")
        again = purchase_confirm(purchase=purchase, payment_method="success")

    assert (purchase.status, purchase.amount_captured) == (PurchaseStatus.SUCCEEDED, 10000)
    assert again.pk == purchase.pk
    package = Package.objects.get()
    assert (package.client, package.sessions, package_balance(package)) == (patient, 3, 3)
    assert [m.attachments[0][0] for m in mailoutbox] == ["receipt-glow-s1.pdf"]


@pytest.mark.usefixtures("stripe_at_localstripe")
def test_a_declined_card_gives_nothing_and_the_next_card_pays(clinic, patient, plan):
    purchase = package_buy_start(clinic=clinic, client=patient, plan_id=plan.pk)
    with pytest.raises(DomainError) as refused:
        purchase_confirm(purchase=purchase, payment_method="decline_generic")
    assert (refused.value.field, refused.value.code) == ("payment_method", "card_declined")
    assert not Package.objects.exists()

    purchase = purchase_confirm(purchase=purchase, payment_method="success")
    assert purchase.status == PurchaseStatus.SUCCEEDED
    assert Package.objects.get().purchase == purchase


def test_the_session_is_offered_and_used_only_when_chosen(clinic, patient, service, emma, bought):
    options = cover_options(clinic=clinic, client=patient, service=service)
    assert [o.ref for o in options] == [ref(bought)]

    plain = book(clinic, patient, service, emma, "09:00")
    assert plain.price == service.price
    assert package_balance(bought) == 3

    covered = book(clinic, patient, service, emma, "10:00", package=ref(bought))
    assert (covered.status, covered.price, covered.deposit) == (BookingStatus.BOOKED, 0, 0)
    assert package_balance(bought) == 2
    assert covered.events.filter(kind="covered", data__price=service.price).exists()


def test_a_covered_booking_at_a_clinic_taking_payment_is_booked_not_held(
    clinic, patient, service, emma, bought
):
    policy_update(clinic=clinic, payment_mode=PaymentMode.FULL)
    held = book(clinic, patient, service, emma, "09:00")
    assert held.status == BookingStatus.PENDING_PAYMENT
    covered = book(clinic, patient, service, emma, "10:00", package=ref(bought))
    assert (covered.status, covered.hold_expires_at) == (BookingStatus.BOOKED, None)


def test_cancelling_in_time_gives_the_session_back_once(
    clinic, patient, service, emma, bought, django_capture_on_commit_callbacks
):
    covered = book(clinic, patient, service, emma, package=ref(bought))
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=covered, by_client=True, now=early_now())
    assert package_balance(bought) == 3
    kinds = list(PackageEntry.objects.filter(package=bought).values_list("kind", flat=True))
    assert kinds == [EntryKind.RETURN, EntryKind.USE, EntryKind.GRANT]


def test_a_late_cancellation_keeps_the_session_used(
    clinic, patient, service, emma, bought, django_capture_on_commit_callbacks
):
    covered = book(clinic, patient, service, emma, package=ref(bought))
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=covered, by_client=True, now=at(MONDAY, "09:00"))
    assert package_balance(bought) == 2


def test_a_no_show_uses_the_session_unless_the_package_says_otherwise(
    clinic, patient, service, emma, bought, manager, django_capture_on_commit_callbacks
):
    missed = book(clinic, patient, service, emma, "10:00", package=ref(bought))
    with django_capture_on_commit_callbacks(execute=True):
        booking_mark_no_show(booking=missed, actor=manager, now=at(MONDAY, "10:10"))
    assert package_balance(bought) == 2

    Package.objects.filter(pk=bought.pk).update(no_show_uses_session=False)
    forgiven = book(clinic, patient, service, emma, "11:00", package=ref(bought))
    with django_capture_on_commit_callbacks(execute=True):
        booking_mark_no_show(booking=forgiven, actor=manager, now=at(MONDAY, "11:10"))
    assert package_balance(bought) == 2  # used at booking, given back for the no-show


def _refused(clinic, patient, service, emma, package_ref, hhmm="10:00"):
    before = (Booking.objects.count(), PackageEntry.objects.count())
    with pytest.raises(DomainError) as refused:
        book(clinic, patient, service, emma, hhmm, package=package_ref)
    assert refused.value.field == "package"
    assert (Booking.objects.count(), PackageEntry.objects.count()) == before
    return refused.value


def test_a_spent_package_is_refused_and_nothing_is_booked(clinic, patient, service, emma, bought):
    for hhmm in ("09:00", "10:00", "11:00"):
        book(clinic, patient, service, emma, hhmm, package=ref(bought))
    error = _refused(clinic, patient, service, emma, ref(bought), "12:00")
    assert "No sessions left" in error.message
    assert cover_options(clinic=clinic, client=patient, service=service) == []


def test_an_expired_package_is_refused(clinic, patient, service, emma, bought):
    Package.objects.filter(pk=bought.pk).update(expires_on=MONDAY - datetime.timedelta(days=1))
    assert "expired" in _refused(clinic, patient, service, emma, ref(bought)).message


def test_another_patients_package_is_refused(clinic, patient, service, emma, bought):
    stranger = ClientAccountFactory(clinic=clinic)
    before = PackageEntry.objects.count()
    with pytest.raises(DomainError) as refused:
        book(clinic, stranger, service, emma, package=ref(bought))
    assert refused.value.field == "package"
    assert PackageEntry.objects.count() == before and not Booking.objects.exists()


def test_a_service_the_package_does_not_include_is_refused(clinic, patient, emma, bought):
    other = ServiceFactory(clinic=clinic, key="peel", name="Peel")
    emma.services.add(other)
    assert "does not include" in _refused(clinic, patient, other, emma, ref(bought)).message


def test_packages_off_offers_nothing_and_refuses(clinic, patient, service, emma, bought):
    features_update(clinic=clinic, packages=False)
    assert cover_options(clinic=clinic, client=patient, service=service) == []
    with pytest.raises(DomainError):
        book(clinic, patient, service, emma, package=ref(bought))
    assert package_balance(bought) == 3


def test_staff_adjust_with_a_reason_never_below_zero(clinic, bought, manager):
    with pytest.raises(DomainError) as no_reason:
        package_adjust(clinic=clinic, package_id=bought.pk, amount=1, actor=manager, reason=" ")
    assert no_reason.value.field == "reason"
    with pytest.raises(DomainError) as too_many:
        package_adjust(clinic=clinic, package_id=bought.pk, amount=-4, actor=manager, reason="x")
    assert too_many.value.field == "amount"
    package_adjust(clinic=clinic, package_id=bought.pk, amount=-1, actor=manager, reason="goodwill")
    assert package_balance(bought) == 2
    assert bought.client.audit_entries.filter(summary__contains="sessions -1").exists()


def test_refunds_are_capped_at_what_was_paid_and_a_full_one_voids_the_sessions(
    clinic, bought, manager
):
    purchase = Purchase.objects.get()
    with pytest.raises(DomainError) as too_much:
        purchase_refund(purchase=purchase, amount=10001, actor=manager, reason="x")
    assert too_much.value.field == "amount"
    purchase_refund(purchase=purchase, amount=4000, actor=manager, reason="part")
    with pytest.raises(DomainError):
        purchase_refund(purchase=purchase, amount=6001, actor=manager, reason="rest")
    purchase_refund(purchase=purchase, amount=6000, actor=manager, reason="rest")
    bought.refresh_from_db()
    assert bought.voided_at is not None and package_balance(bought) == 0
