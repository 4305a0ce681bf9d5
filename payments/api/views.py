"""The payments API: thin views over ``payments.services``."""

from django.db import transaction
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from booking_api.api.serializers import BookingCreateSerializer
from booking_api.models import BookingSource, BookingStatus
from booking_api.selectors import (
    booking_client_discount,
    booking_for_client,
    location_by_ref,
    service_by_ref,
    staff_by_ref,
)
from booking_api.services import booking_create
from branding.api.idempotency import idempotent
from branding.api.pagination import ApiPagination, paginated_response
from branding.api.permissions import ClinicRequired
from payments import cards, discounts, receipts, selectors, services
from payments.api.serializers import (
    BookingCheckoutSerializer,
    CardAddSerializer,
    CardAddStartSerializer,
    CardSetupSerializer,
    CheckoutSerializer,
    ConfirmedPaymentSerializer,
    ConfirmSerializer,
    PaymentSheetSerializer,
    ReceiptSentSerializer,
    ReceiptSerializer,
    SavedCardSerializer,
)
from payments.errors import PaymentError, PaymentErrorCode
from payments.models import RefundStatus
from payments.selectors import payment_for_client, refund_for_client, saved_cards_for_client
from payments.services import payment_sheet
from payments.stripe_api import publishable_options, require_payments
from payments.test_cards import test_cards_offered
from people.api.accounts import client_account_here
from people.services import client_account_ensure


def _quote(booking, payment):
    """The checkout quote plus the client's own price at booking (a member's discount,
    already in ``price``): ``full_price``, ``member_discount`` and its label."""
    quote = selectors.checkout_quote(booking, discount=payment.discount).as_dict()
    member = booking_client_discount(booking)
    quote["full_price"] = member.full_price if member else quote["price"]
    quote["member_discount"] = member.discount if member else 0
    quote["member_discount_label"] = member.label if member else ""
    return quote


def _checkout_body(booking, payment):
    return CheckoutSerializer(
        {
            "booking": booking,
            "quote": _quote(booking, payment),
            "vouchers": [vars(v) for v in discounts.vouchers_for(booking)],
            "payment": payment,
            "client_secret": getattr(payment, "client_secret", ""),
            "next_action": getattr(payment, "next_action", None),
            **publishable_options(booking.clinic),
            "save_card": getattr(payment, "save_card", False),
            "test_cards": test_cards_offered(),
        }
    ).data


class PatientMixin:
    permission_classes = [IsAuthenticated, ClinicRequired]

    def client_account(self):
        return client_account_ensure(clinic=self.request.clinic, user=self.request.user)


class CheckoutCreateView(PatientMixin, APIView):
    """Hold a slot for payment and start paying: the booking waits (``pending_payment``)
    for the clinic's hold time, and the amount due now is charged to that booking."""

    @extend_schema(
        request=BookingCreateSerializer, responses={201: CheckoutSerializer}, tags=["payments"]
    )
    @idempotent
    def post(self, request):
        payload = BookingCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        clinic = request.clinic
        hold = selectors.payment_hold_minutes(clinic)
        if hold is None:
            raise PaymentError(
                _("This clinic takes no payment online."), code=PaymentErrorCode.NOTHING_DUE
            )
        if data.get("package"):  # a prepaid session is not paid for again
            raise PaymentError(
                _("A package session needs no payment: book it with POST /api/v1/bookings."),
                field="package",
                code=PaymentErrorCode.NOTHING_DUE,
            )
        require_payments(clinic)  # no hold for a clinic that cannot take payment
        with transaction.atomic():
            booking = booking_create(
                clinic=clinic,
                client=self.client_account(),
                service=service_by_ref(clinic, data["service"]),
                staff=staff_by_ref(clinic, data["staff"]),
                location=location_by_ref(clinic, data.get("location")),
                start=data["start"],
                source=BookingSource.APP if request.auth is not None else BookingSource.PORTAL,
                client_notes=data["client_notes"],
                actor=request.user,
                status=BookingStatus.PENDING_PAYMENT,
                hold_minutes=hold,
            )
        payment = services.checkout_start(booking=booking)
        return Response(_checkout_body(booking, payment), status=status.HTTP_201_CREATED)


class BookingCheckoutView(PatientMixin, APIView):
    """Start (or resume) paying for a booking that is held for payment."""

    @extend_schema(
        request=BookingCheckoutSerializer, responses=CheckoutSerializer, tags=["payments"]
    )
    @idempotent
    def post(self, request, pk):
        payload = BookingCheckoutSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        booking = booking_for_client(request.clinic, self.client_account(), pk)
        payment = services.checkout_start(
            booking=booking,
            voucher_ref=payload.validated_data.get("voucher"),
            save_card=payload.validated_data.get("save_card"),
        )
        return Response(_checkout_body(booking, payment))


class PaymentConfirmView(PatientMixin, APIView):
    """Confirm on the server (test cards against the local test server, or a saved card).
    A decline is a 402 with the card error in plain words; the slot stays held and the
    next card is tried on a fresh PaymentIntent. A card that asks for authentication
    answers ``requires_action`` with ``client_secret`` and ``next_action``."""

    @extend_schema(
        request=ConfirmSerializer, responses=ConfirmedPaymentSerializer, tags=["payments"]
    )
    @idempotent
    def post(self, request, pk):
        payload = ConfirmSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        method = payload.validated_data["payment_method"]
        payment = payment_for_client(request.clinic, self.client_account(), pk)
        payment = services.payment_confirm(payment=payment, payment_method=method)
        payment.client_secret = getattr(payment, "client_secret", "")
        payment.next_action = getattr(payment, "next_action", None)
        return Response(ConfirmedPaymentSerializer(payment).data)


class PaymentDetailView(PatientMixin, APIView):
    """My payment as Stripe has it now: read again from Stripe and applied (after the
    app's PaymentSheet confirmed it client-side, 3-D Secure included; the webhook may not
    have arrived). ``requires_action`` comes with ``next_action`` and ``client_secret``
    for the SDK's ``handleNextAction``. Reading makes no client account."""

    @extend_schema(responses=ConfirmedPaymentSerializer, tags=["payments"])
    def get(self, request, pk):
        payment = payment_for_client(request.clinic, client_account_here(request), pk)
        return Response(ConfirmedPaymentSerializer(services.payment_refresh(payment=payment)).data)


# --- the app's PaymentSheet --------------------------------------------------------------


def _sheet_body(sheet):
    return {
        "customer": sheet.customer,
        "ephemeral_key": sheet.ephemeral_key,
        "ephemeral_key_expires": sheet.ephemeral_key_expires,
        "stripe_api_version": sheet.stripe_api_version,
        "publishable_key": sheet.publishable_key,
        "stripe_account": sheet.stripe_account,
    }


class PaymentSheetView(PatientMixin, APIView):
    """Stripe's PaymentSheet for a native app: the person's Stripe Customer and an
    ephemeral key for it (for the API version the server pins), so the sheet shows their
    saved cards. Present it with a checkout's ``client_secret``."""

    @extend_schema(request=None, responses=PaymentSheetSerializer, tags=["payments"])
    def post(self, request):
        sheet = payment_sheet.payment_sheet_start(client=self.client_account())
        return Response(PaymentSheetSerializer(_sheet_body(sheet)).data)


class CardAddView(PatientMixin, APIView):
    """Add a card outside a booking: a SetupIntent on the person's Customer, with the
    PaymentSheet's Customer and ephemeral key. Nothing is charged."""

    @extend_schema(request=None, responses={201: CardAddStartSerializer}, tags=["payments"])
    @idempotent
    def post(self, request):
        added = payment_sheet.card_add_start(client=self.client_account())
        body = {
            **_sheet_body(added.sheet),
            "setup_intent": added.setup_intent,
            "status": added.status,
            "card": None,
            "client_secret": added.client_secret,
            "test_cards": test_cards_offered(),
        }
        return Response(CardAddStartSerializer(body).data, status=status.HTTP_201_CREATED)


class CardAddRefreshView(PatientMixin, APIView):
    """After the PaymentSheet confirmed the SetupIntent: read it again; when it
    succeeded the card is saved and listed in ``GET /cards``. Another person's (or a
    booking's) SetupIntent is 404."""

    @extend_schema(
        request=None,
        responses=CardAddSerializer,
        tags=["payments"],
        operation_id="cards_add_refresh",
    )
    def post(self, request, setup_intent):
        method = request.data.get("payment_method", "") if hasattr(request.data, "get") else ""
        if method:  # a test card's name: confirmed on the server (local test server only)
            added = payment_sheet.card_add_confirm(
                client=self.client_account(),
                setup_intent_id=setup_intent,
                payment_method=str(method),
            )
        else:
            added = payment_sheet.card_add_refresh(
                client=self.client_account(), setup_intent_id=setup_intent
            )
        body = {"setup_intent": added.setup_intent, "status": added.status, "card": added.card}
        return Response(CardAddSerializer(body).data)


# --- card on file --------------------------------------------------------------------


def _setup_body(setup):
    data = CardSetupSerializer(setup).data
    data["client_secret"] = getattr(setup, "client_secret", "")
    data.update(publishable_options(setup.clinic))
    data["test_cards"] = test_cards_offered()
    return data


class CardSetupStartView(PatientMixin, APIView):
    """Save a card for a card-on-file booking (a SetupIntent; nothing is charged now)."""

    @extend_schema(request=None, responses=CardSetupSerializer, tags=["payments"])
    def post(self, request, pk):
        booking = booking_for_client(request.clinic, self.client_account(), pk)
        return Response(_setup_body(cards.card_setup_start(booking=booking)))


class CardSetupConfirmView(PatientMixin, APIView):
    """Confirm saving the card on the server (a test card name against the local test
    server). A decline is a 402 in plain words."""

    @extend_schema(request=ConfirmSerializer, responses=CardSetupSerializer, tags=["payments"])
    def post(self, request, pk):
        payload = ConfirmSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        booking = booking_for_client(request.clinic, self.client_account(), pk)
        setup = cards.card_setup_start(booking=booking)
        setup = cards.card_setup_confirm(
            setup=setup, payment_method=payload.validated_data["payment_method"]
        )
        return Response(CardSetupSerializer(setup).data)


class SavedCardListView(PatientMixin, APIView):
    """The cards I saved with this clinic."""

    pagination_class = ApiPagination

    @extend_schema(responses=SavedCardSerializer(many=True), tags=["payments"])
    def get(self, request):
        found = saved_cards_for_client(request.clinic, self.client_account())
        return paginated_response(self, request, found, SavedCardSerializer)


class SavedCardDetailView(PatientMixin, APIView):
    @extend_schema(request=None, responses={204: None}, tags=["payments"])
    def delete(self, request, pk):
        card = cards.saved_card_for_client(request.clinic, self.client_account(), pk)
        cards.saved_card_remove(card=card)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- receipts ------------------------------------------------------------------------


def _pdf_response(data, filename):
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _paid(payment):
    if payment.status != "succeeded":
        raise PaymentError(
            _("There is no receipt for a payment that has not gone through."),
            field="payment",
            code=PaymentErrorCode.NO_RECEIPT,
        )
    return payment


class ReceiptListView(generics.ListAPIView):
    """My payments that went through, newest first, with their PDF receipts and those of
    their refunds (paged). Reading makes no client account."""

    serializer_class = ReceiptSerializer
    permission_classes = [IsAuthenticated, ClinicRequired]

    def get_queryset(self):
        return selectors.paid_payments_for_client(
            self.request.clinic, client_account_here(self.request)
        )

    @extend_schema(tags=["payments"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class PaymentReceiptView(PatientMixin, APIView):
    """My payment's PDF receipt."""

    @extend_schema(responses={(200, "application/pdf"): bytes}, tags=["payments"])
    def get(self, request, pk):
        payment = _paid(payment_for_client(request.clinic, self.client_account(), pk))
        return _pdf_response(
            receipts.payment_receipt_pdf(payment), receipts.receipt_filename(payment)
        )


class RefundReceiptView(PatientMixin, APIView):
    """My refund's PDF receipt."""

    @extend_schema(responses={(200, "application/pdf"): bytes}, tags=["payments"])
    def get(self, request, pk):
        refund = refund_for_client(request.clinic, self.client_account(), pk)
        if refund.status != RefundStatus.SUCCEEDED:
            raise Http404("No receipt for a refund that has not gone through.")
        return _pdf_response(
            receipts.refund_receipt_pdf(refund), receipts.receipt_filename(refund.payment, refund)
        )


class PaymentReceiptSendView(PatientMixin, APIView):
    """Send me a copy of the receipt by email."""

    @extend_schema(request=None, responses=ReceiptSentSerializer, tags=["payments"])
    def post(self, request, pk):
        payment = _paid(payment_for_client(request.clinic, self.client_account(), pk))
        with transaction.atomic():
            receipts.receipt_email(payment=payment, copy=True)
        return Response({"sent": True, "to": request.user.email})
