"""Stripe's door: the webhook. It verifies the signature on the raw body, records the
event once for the clinic whose account it came from and answers at once; a task does
the work (``webhook_event_process``). ``/payments/stripe/webhook`` is the platform's
(Stripe Connect); ``/payments/stripe/webhook/<clinic>`` a clinic's own keys'."""

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from branding.errors import DomainError
from payments.services import webhook_receive


@csrf_exempt
@require_POST
def stripe_webhook(request, clinic_slug=None):
    try:
        record, created = webhook_receive(
            payload=request.body,
            signature=request.headers.get("Stripe-Signature", ""),
            clinic_slug=clinic_slug,
        )
    except DomainError as exc:
        return JsonResponse(exc.as_dict(), status=exc.status)
    return JsonResponse({"received": record.stripe_event_id, "duplicate": not created})
