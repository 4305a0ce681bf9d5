"""The SMS provider's inbound webhook, on each clinic's own domain
(``https://<clinic domain>/sms/inbound/``): Twilio's form-encoded POST, checked against
``X-Twilio-Signature`` with the account's auth token (``SMS_WEBHOOK_AUTH_TOKEN``), and
answered in TwiML. CSRF-exempt: the signature is the proof."""

from django.conf import settings
from django.http import (
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotFound,
)
from django.shortcuts import redirect
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from automations.services import nudge_for_link, nudge_mark_clicked
from automations.sms_inbound import inbound_sms_receive
from branding.links import portal_url


def webhook_signature_valid(request) -> bool:
    token = getattr(settings, "SMS_WEBHOOK_AUTH_TOKEN", "")
    signature = request.headers.get("X-Twilio-Signature", "")
    if not token or not signature:
        return False
    # The address the provider called, as the public sees it (not the address behind
    # the balancer): the signature covers it.
    url = portal_url(request.clinic, request.get_full_path())
    return RequestValidator(token).validate(url, request.POST.dict(), signature)


@csrf_exempt
@require_POST
def sms_inbound(request):
    if request.clinic is None:
        return HttpResponseNotFound()
    if not webhook_signature_valid(request):
        return HttpResponseForbidden("Signature invalid.")
    provider_id = request.POST.get("MessageSid") or request.POST.get("SmsSid", "")
    if not provider_id:
        return HttpResponseBadRequest("MessageSid is missing.")
    text = inbound_sms_receive(
        clinic=request.clinic,
        provider_id=provider_id[:64],
        from_number=request.POST.get("From", ""),
        to_number=request.POST.get("To", ""),
        body=request.POST.get("Body", ""),
    )
    answer = MessagingResponse()
    if text.reply:
        answer.message(text.reply)
    return HttpResponse(str(answer), content_type="text/xml")


@require_GET
def nudge_open(request, token):
    """A nudge's link: noted as opened (first time), then on to where it leads. Only at
    the nudge's own clinic; a bad token is a 404."""
    nudge = nudge_for_link(request.clinic, token) if request.clinic else None
    if nudge is None or not nudge.link:
        return HttpResponseNotFound("No such link.")
    nudge_mark_clicked(nudge=nudge)
    return redirect(nudge.link)
