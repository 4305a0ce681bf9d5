"""Two-way SMS: the provider (Twilio's protocol: a form-encoded POST signed with
X-Twilio-Signature, answered in TwiML) delivers a patient's text to the clinic's domain.
STOP/START/HELP change preferences and are answered; C confirms the next appointment;
other texts land in the client's message thread; unknown numbers are held for staff;
a bad signature changes nothing; a retried webhook is handled once."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from twilio.request_validator import RequestValidator

from automations.models import InboundSms
from booking_api.models import BookingStatus
from branding.links import portal_url
from notifications.services import preferences_for, preferences_update
from records.models import Message, MessageThread
from tests.fixtures.booking import add_booking
from tests.fixtures.clinics import host_client
from tests.fixtures.honesty import nothing_changes

pytestmark = pytest.mark.django_db

TOKEN = "twilio-auth-token-for-tests"
PHONE = "+447700900123"  # the factory's number for every client


@pytest.fixture(autouse=True)
def webhook_token(settings):
    settings.SMS_WEBHOOK_AUTH_TOKEN = TOKEN


class Provider:
    """Twilio's side: posts a text to the clinic's webhook, signed as Twilio signs."""

    def __init__(self, clinic, token=TOKEN):
        self.clinic, self.token, self.sent = clinic, token, 0
        self.browser = host_client(clinic)

    def text(self, body, *, sender=PHONE, sid=None, signature=None):
        self.sent += 1
        params = {
            "MessageSid": sid or f"SM{self.sent:032d}",
            "AccountSid": "AC" + "0" * 32,
            "From": sender,
            "To": "+447700900999",
            "Body": body,
            "NumMedia": "0",
        }
        url = portal_url(self.clinic, "/sms/inbound/")
        signed = RequestValidator(self.token).compute_signature(url, params)
        return self.browser.post(
            "/sms/inbound/", params, HTTP_X_TWILIO_SIGNATURE=signature or signed
        )


def answer_of(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    root = ET.fromstring(response.content)
    return [m.text for m in root.findall("Message")]


@pytest.fixture
def provider(clinic):
    return Provider(clinic)


def test_stop_turns_texts_off_and_is_answered(provider, clinic, patient):
    preferences_update(clinic=clinic, user=patient.user, marketing_sms=True)
    (reply,) = answer_of(provider.text("Stop"))
    assert "no more texts" in reply and "START" in reply
    prefs = preferences_for(clinic, patient.user)
    assert not prefs.reminder_sms and not prefs.marketing_sms
    assert InboundSms.objects.get().status == "keyword"


def test_start_turns_appointment_texts_back_on_not_offers(provider, clinic, patient):
    preferences_update(clinic=clinic, user=patient.user, reminder_sms=False)
    (reply,) = answer_of(provider.text("START"))
    assert "back on" in reply
    prefs = preferences_for(clinic, patient.user)
    assert prefs.reminder_sms and not prefs.marketing_sms


def test_help_is_answered_with_who_we_are(provider, clinic, patient):
    (reply,) = answer_of(provider.text("help"))
    assert reply.startswith("Glow Aesthetics:") and "STOP" in reply


def test_a_text_lands_in_the_clients_message_thread(provider, clinic, patient):
    assert answer_of(provider.text("Running 10 minutes late, sorry!")) == []
    thread = MessageThread.objects.get(clinic=clinic, client=patient)
    (message,) = thread.messages.all()
    assert (message.sender, message.body) == ("client", "Running 10 minutes late, sorry!")
    # The next one joins the same thread.
    provider.text("Parking at the back?")
    assert MessageThread.objects.count() == 1 and thread.messages.count() == 2


def test_unknown_number_is_held_for_staff_not_dropped(provider, clinic, patient, staff_user):
    assert answer_of(provider.text("Is this Glow?", sender="+447700911111")) == []
    held = InboundSms.objects.get()
    assert (held.status, held.client, held.body) == ("held", None, "Is this Glow?")
    assert not Message.objects.exists()
    from tests.fixtures.clinics import admin_client_for

    listing = admin_client_for(staff_user, clinic).get("/admin/automations/texts/")
    assert "Is this Glow?" in listing.content.decode()


def test_c_confirms_the_next_booked_appointment(provider, clinic, patient, service, emma):
    start = datetime.datetime.now(datetime.UTC).replace(microsecond=0) + datetime.timedelta(days=1)
    booking = add_booking(clinic, patient, service, emma, start)
    (reply,) = answer_of(provider.text("C"))
    assert "is confirmed" in reply and "Consultation" in reply
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert InboundSms.objects.get().status == "confirmed"


def test_bad_signature_is_refused_and_changes_nothing(clinic, patient):
    forger = Provider(clinic, token="not-the-token")
    with nothing_changes(InboundSms, Message, MessageThread):
        answer = forger.text("STOP")
    assert answer.status_code == 403
    assert preferences_for(clinic, patient.user).reminder_sms


def test_a_retried_webhook_is_handled_once(provider, clinic, patient):
    provider.text("Hello", sid="SM" + "1" * 32)
    provider.text("Hello", sid="SM" + "1" * 32)
    assert InboundSms.objects.count() == 1
    assert Message.objects.count() == 1


def test_another_clinics_client_with_the_same_number_is_not_touched(provider, clinic, other_clinic):
    from tests.factories.clients import ClientAccountFactory

    theirs = ClientAccountFactory(clinic=other_clinic)
    provider.text("STOP")
    assert preferences_for(other_clinic, theirs.user).reminder_sms
    assert InboundSms.objects.get().status == "held"
