"""The security review, tried as an attacker would (issue 17): every portal URL and API
endpoint, read from the URL resolver (so a door added later is walked too), asked with
GET and POST by three attackers —

- another patient of the same clinic, with the victim's ids and references;
- a patient of another clinic, signed in, at the victim's clinic's domain;
- the victim themselves at the other clinic's domain (the host door);

— must refuse (or answer only the attacker's own things): nothing of the victim's or of
the other clinic's shows, no receipt, calendar file or image of theirs is served, and
nothing of theirs changes. Admin URLs are walked the same way by
``tests/branding/test_admin_url_walk.py`` (another clinic's manager, every id).

The walk counts what it tried and what leaked; ``WALK_REPORT`` keeps the last figures
(the closing note quotes them): 590 requests, 20–34 s measured on a
busy two-core machine shared with other test runs."""

import datetime
import time
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from rest_framework.test import APIClient

from booking_api.models import Booking, CartItem
from branding.services import features_update
from loyalty.models import GamePlay, RewardRequest
from loyalty.services import programme_upsert
from notifications.models import AppDevice, AppPlatform
from payments.models import Payment, PaymentKind, PaymentStatus, Refund, SavedCard
from people.models import Pet, Photo
from people.photo_services import photo_upload
from records.message_services import thread_start
from records.models import Message, SignedForm
from tests.factories.booking import ServiceCategoryFactory, ServiceFactory, StaffFactory
from tests.factories.clients import ClientAccountFactory, UserFactory
from tests.factories.commerce import PackagePlanFactory
from tests.factories.forms import FormTemplateFactory
from tests.factories.games import make_game
from tests.factories.loyalty import RewardFactory
from tests.factories.records import PetFactory, upload
from tests.fixtures.booking import add_booking
from tests.fixtures.forms import sign
from tests.fixtures.honesty import nothing_changes

pytestmark = pytest.mark.django_db

WALK_REPORT = {}

# What no attacker may see: the victim's own words and the other clinic's catalogue.
SECRETS = (
    "Vera Victim",
    "vera@victim.test",
    "Victimrex",
    "Victim pic",
    "Victim subject",
    "Riverside checkup",
    "Riverside wheel",
    "Riverside treat",
    "Riverside course",
    "Riverside vet",
    "Riverside category",
)
# Arguments that name nothing of anyone's (an icon's size).
PUBLIC_ARGS = {"size"}
# Answers that are the victim's things in themselves, whatever they contain.
FILE_TYPES = ("application/pdf", "text/calendar", "image/", "application/vnd.apple.pkpass")
# Doors that are not a patient's: the platform's, the payment provider's, the
# schema, allauth's own flows (walked by tests/people).
SKIPPED_PREFIXES = (
    "admin/",
    "django-admin/",
    "_util/",
    "documents/",
    "static/",
    "media/",
    "accounts/",
    "_allauth/",
    "api/schema/",
    "api/docs/",
    "healthz",
    "i18n/",
    "payments/stripe/webhook",
    "sms/inbound/",
    "__debug__",
)


def portal_and_api_routes():
    """(route template, argument names) of every portal and API URL."""

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern), list(p.pattern.converters)

    routes = []
    for route, args in walk(get_resolver().url_patterns):
        if route.startswith(SKIPPED_PREFIXES) or route.startswith("^"):
            continue
        routes.append((route, args))
    return routes


@pytest.fixture
def world(clinic, other_clinic):
    """Glow's patient Vera (the victim) with one of everything a patient has; Adam, another
    Glow patient; Rita, Riverside's patient; Riverside's catalogue."""
    features_update(
        clinic=clinic, pets=True, selfies=True, games=True, packages=True, gift_cards=True
    )
    features_update(
        clinic=other_clinic, pets=True, selfies=True, games=True, packages=True, gift_cards=True
    )
    programme_upsert(clinic=clinic, unit_name="points", per_currency_unit=1, per_visit=10)
    programme_upsert(clinic=other_clinic, unit_name="points", per_currency_unit=1, per_visit=10)
    vera = ClientAccountFactory(
        clinic=clinic,
        user=UserFactory(first_name="Vera", last_name="Victim", email="vera@victim.test"),
    )
    adam = ClientAccountFactory(clinic=clinic)
    rita = ClientAccountFactory(clinic=other_clinic)
    service = ServiceFactory(clinic=clinic, name="Glow facial")
    staff = StaffFactory(clinic=clinic, display_name="Glow therapist", services=[service])
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=5)
    booking = add_booking(clinic, vera, service, staff, start)
    past = add_booking(clinic, vera, service, staff, start - datetime.timedelta(days=30))
    payment = Payment.objects.create(
        clinic=clinic,
        booking=past,
        kind=PaymentKind.FULL,
        amount=4500,
        currency=clinic.currency,
        status=PaymentStatus.SUCCEEDED,
        amount_captured=4500,
        idempotency_key=f"walk-{uuid.uuid4()}",
    )
    refund = Refund.objects.create(
        payment=payment, amount=1000, status="succeeded", idempotency_key=f"walk-{uuid.uuid4()}"
    )
    card = SavedCard.objects.create(
        clinic=clinic, client=vera, stripe_payment_method_id="pm_walk", brand="visa", last4="4242"
    )
    cart_item = CartItem.objects.create(client=vera, service=service)
    pet = PetFactory(owner=vera, name="Victimrex")
    photo = photo_upload(clinic=clinic, client=vera, image=upload(), caption="Victim pic")
    thread = thread_start(
        clinic=clinic, client=vera, author=None, subject="Victim subject", body="Private"
    )
    device = AppDevice.objects.create(
        clinic=clinic,
        user=vera.user,
        platform=AppPlatform.choices[0][0],
        push_token="victim-push-token",
        signin="victim-signin",
        name="Vera's phone",
    )
    message = Message.objects.filter(thread=thread).first()
    form = FormTemplateFactory(clinic=clinic, title="Glow consent")
    signed = sign(form, vera, typed_name="Vera Victim")

    r_category = ServiceCategoryFactory(clinic=other_clinic, name="Riverside category")
    r_service = ServiceFactory(clinic=other_clinic, category=r_category, name="Riverside checkup")
    r_staff = StaffFactory(clinic=other_clinic, display_name="Riverside vet", services=[r_service])
    r_game = make_game(other_clinic, name="Riverside wheel")
    r_reward = RewardFactory(clinic=other_clinic, name="Riverside treat", cost=10)
    r_plan = PackagePlanFactory(clinic=other_clinic, name="Riverside course")
    r_form = FormTemplateFactory(clinic=other_clinic, title="Riverside consent form")
    return {
        "clinic": clinic,
        "other": other_clinic,
        "vera": vera,
        "adam": adam,
        "rita": rita,
        "fill": {
            "reference": booking.reference,
            "item_id": cart_item.pk,
            "service_id": r_service.pk,
            "category_id": r_category.pk,
            "staff": r_staff.pk,
            "day": (start + datetime.timedelta(days=1)).date().isoformat(),
            "plan_id": r_plan.pk,
            "card_id": card.pk,
            "payment_id": payment.pk,
            "refund_id": refund.pk,
            "pet_id": pet.pk,
            "photo_id": photo.pk,
            "thread_id": thread.pk,
            "template_id": r_form.pk,
            "form_id": r_form.pk,
            "signed_id": signed.pk,
            "token": "forged-token",
            "game_id": r_game.pk,
            "reward_id": r_reward.pk,
            "code": "NOSUCHCODE",
            "size": 192,
            "entry_id": booking.pk,
            "device": "victims-phone",
            "device_id": device.pk,
            "message_id": message.pk,
            # The app's "add a card" SetupIntent: ownership is checked at Stripe (its
            # customer and metadata), so any id the attacker names is someone else's.
            "setup_intent": "seti_victims_setup",
            "page_id": other_clinic.site.root_page_id,
        },
        # <id:pk> names a different row per endpoint.
        "pk_for": {
            "api/v1/bookings/": booking.pk,
            "api/v1/payments/": payment.pk,
            "api/v1/refunds/": refund.pk,
            "api/v1/cards/": card.pk,
            "api/v1/packages/plans/": r_plan.pk,
            "api/v1/packages/": booking.pk,
            "api/v1/purchases/": booking.pk,
            "api/v1/memberships/": booking.pk,
            "api/v1/orders/": booking.pk,
            "memberships/": booking.pk,
        },
        "watched": [
            Booking.objects.filter(client=vera),
            Payment.objects.filter(clinic=clinic),
            Refund.objects.all(),
            SavedCard.objects.filter(client=vera),
            CartItem.objects.filter(client=vera),
            Pet.objects.filter(owner=vera),
            Photo.objects.filter(client=vera),
            Message.objects.filter(thread=thread),
            AppDevice.objects.filter(user=vera.user),
            SignedForm.objects.filter(client=vera),
        ],
        "watched_other": [
            GamePlay.objects.all(),
            RewardRequest.objects.all(),
        ],
    }


def _url(route, args, world):
    path = route
    for arg in args:
        if arg == "pk":
            value = next(v for prefix, v in world["pk_for"].items() if route.startswith(prefix))
        else:
            value = world["fill"][arg]
        path = path.replace(f"<{_converter(route, arg)}{arg}>", str(value))
    return "/" + path


def _converter(route, arg):
    start = route.index(f"{arg}>")
    opening = route.rindex("<", 0, start)
    return route[opening + 1 : start]


def _body(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def _leak(response, has_ids, secrets):
    """What the answer gives away: secrets in it, or a file that is the victim's."""
    if response.status_code >= 400 or response.status_code in (301, 302, 303, 304):
        return None
    found = [secret for secret in secrets if secret in _body(response)]
    if found:
        return f"shows {found}"
    kind = response.get("Content-Type", "")
    if has_ids and kind.startswith(FILE_TYPES):
        return f"serves a {kind} file"
    return None


GLOW_SECRETS = (
    "Victimrex",
    "Victim pic",
    "Victim subject",
    "Glow facial",
    "Glow therapist",
)


def _attackers(world):
    """(who, user, host, secrets, rows that must not change)."""
    clinic, other = world["clinic"], world["other"]
    vera, adam, rita = world["vera"], world["adam"], world["rita"]
    everything = world["watched"] + world["watched_other"]
    yield "another patient", adam.user, clinic.site.hostname, SECRETS, everything
    yield "another clinic's patient", rita.user, clinic.site.hostname, SECRETS, everything
    # Vera is welcome at Riverside's portal (one person, an account per clinic): there
    # Riverside's things are hers to use, Glow's are not to be seen or touched.
    yield (
        "the victim at another clinic",
        vera.user,
        other.site.hostname,
        GLOW_SECRETS,
        world["watched"],
    )


def walk(world, routes):
    """Every route, GET and POST, by every attacker: (requests tried, leaks found)."""
    from django.test import Client

    tried, leaks, slow = 0, [], []
    for attacker, user, host, secrets, watched in _attackers(world):
        portal = Client(HTTP_HOST=host)
        portal.force_login(user)
        api = APIClient(HTTP_HOST=host)
        api.force_login(user)
        with nothing_changes(*watched):
            for route, args in routes:
                # A list of one's own things, asked by someone with no account here,
                # and a POST without anyone's id teach nothing: the rest is walked.
                if not args and attacker == "another clinic's patient":
                    continue
                path = _url(route, args, world)
                client = api if route.startswith("api/") else portal
                for method in ("get", "post") if args else ("get",):
                    began = time.monotonic()
                    response = getattr(client, method)(path)
                    if time.monotonic() - began > 1:
                        slow.append(f"{method} {path}")
                    tried += 1
                    found = _leak(response, bool(set(args) - PUBLIC_ARGS), secrets)
                    if found:
                        leaks.append(f"{attacker}: {method.upper()} {path} {found}")
    return tried, leaks, slow


def test_no_portal_url_or_api_endpoint_gives_anything_away(world, stripe_at_localstripe):
    routes = portal_and_api_routes()
    assert len(routes) > 100, "the walk found too few URLs"

    began = time.monotonic()
    tried, leaks, slow = walk(world, routes)
    took = time.monotonic() - began

    WALK_REPORT.update(requests=tried, leaks=len(leaks), seconds=round(took, 1))
    print(f"\nattack walk: {tried} requests in {took:.1f} s, {len(leaks)} leaks; slow: {slow}")
    assert leaks == [], "\n".join(leaks)
