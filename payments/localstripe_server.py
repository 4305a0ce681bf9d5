"""Run localstripe (a stateful Stripe test server) on the loopback interface only.

localstripe's own command line listens on every interface and keeps its state in
``/tmp/localstripe.pickle``; this starts the same aiohttp app bound to 127.0.0.1, with its
state file where we say (inside the project's ``var/``). Used by the test suite (a session
fixture) and the demo::

    python -m payments.localstripe_server --port 8420 --state var/localstripe.pickle

localstripe is a test dependency, never imported by the product itself. What it lacks
and the product calls is added here as routes of its app, answering as Stripe does:
ephemeral keys (``POST /v1/ephemeral_keys``, ``DELETE /v1/ephemeral_keys/{id}``), which
the app's PaymentSheet needs; and for memberships (``_teach_subscription_events``) the
invoice events Stripe sends and localstripe does not (``invoice.paid``, and
``invoice.payment_failed`` when a subscription's invoice is declined), an
``customer.subscription.updated`` on every change, and a test helper standing for
time passing: ``POST /_config/subscriptions/{id}/renew`` bills the next period (or ends
a subscription set to cancel at period end), as Stripe's test clocks would.
"""

import argparse
import os
import pickle
import secrets
import socket
import sys
import time

EPHEMERAL_KEY_TTL = 3600  # Stripe's: an hour


def _use_state_file(path):
    """Point localstripe's store at ``path`` instead of the shared /tmp file; with no
    path, keep the state in memory only (the test suite: localstripe would otherwise
    pickle its whole, growing store after every request)."""
    from localstripe import resources

    if not path:
        resources.Store.try_load_from_disk = lambda self: None
        resources.Store.dump_to_disk = lambda self: None
        return

    def try_load_from_disk(self):
        try:
            with open(path, "rb") as f:
                old = pickle.load(f)
        except (FileNotFoundError, EOFError):
            return
        self.clear()
        self.update(old)

    def dump_to_disk(self):
        tmp = f"{path}.tmp"
        with open(tmp, "wb") as f:
            pickle.dump(dict(self), f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)

    resources.Store.try_load_from_disk = try_load_from_disk
    resources.Store.dump_to_disk = dump_to_disk


# PaymentIntent parameters Stripe takes and localstripe does not know: kept on the
# intent and answered back (as Stripe does), so the code can send what Stripe needs.
PAYMENT_INTENT_EXTRAS = ("automatic_payment_methods", "setup_future_usage")


def _teach_payment_intent_extras():
    """Let localstripe's PaymentIntent take ``automatic_payment_methods`` (the Payment
    Element's wallets) and ``setup_future_usage`` (save the card) on create and update.
    It does nothing more with them; Stripe attaches a card saved this way to the
    Customer, localstripe does not (``payments.customers.card_save`` attaches it then)."""
    from localstripe import resources

    cls = resources.PaymentIntent
    if getattr(cls, "_extras_taught", False):
        return
    original = cls.__init__

    def __init__(self, *args, **kwargs):
        extras = {name: kwargs.pop(name, None) for name in PAYMENT_INTENT_EXTRAS}
        original(self, *args, **kwargs)
        for name, value in extras.items():
            setattr(self, name, value or None)

    cls.__init__ = __init__
    for name in PAYMENT_INTENT_EXTRAS:  # intents kept from before can be updated too
        setattr(cls, name, None)
    cls._extras_taught = True


def _add_ephemeral_keys(app):
    """Stripe's ephemeral keys for a Customer, as the official ``stripe`` library asks
    for them: the secret key authenticates (localstripe's middleware), ``Stripe-Version``
    is required (Stripe refuses a key without one), the Customer must exist."""
    from localstripe import server
    from localstripe.errors import UserError
    from localstripe.resources import Customer

    keys = {}

    async def create(request):
        data = await server.get_post_data(request) or {}
        version = request.headers.get("Stripe-Version", "")
        if not version:
            raise UserError(400, "You must specify a Stripe API version (Stripe-Version).")
        customer_id = data.get("customer")
        if not isinstance(customer_id, str):
            raise UserError(400, "You must pass a customer.")
        Customer._api_retrieve(customer_id)  # 404 when there is no such Customer
        now = int(time.time())
        key = {
            "id": f"ephkey_{secrets.token_hex(12)}",
            "object": "ephemeral_key",
            "associated_objects": [{"id": customer_id, "type": "customer"}],
            "created": now,
            "expires": now + EPHEMERAL_KEY_TTL,
            "livemode": False,
            "secret": f"ek_test_{secrets.token_urlsafe(32)}",
            "stripe_version": version,
        }
        keys[key["id"]] = key
        return server.json_response(key)

    async def delete(request):
        key = keys.pop(request.match_info["id"], None)
        if key is None:
            raise UserError(404, "No such ephemeral key")
        return server.json_response({**key, "deleted": True})

    app.router.add_route("POST", "/v1/ephemeral_keys", create)
    app.router.add_route("DELETE", "/v1/ephemeral_keys/{id}", delete)


def _teach_subscription_events():
    """Invoices and subscriptions as Stripe reports them: a paid invoice sends
    ``invoice.paid`` (beside localstripe's ``invoice.payment_succeeded``); a declined
    charge on a subscription's invoice sends ``invoice.payment_failed`` and makes a
    running subscription ``past_due`` (localstripe stays silent); a change to a
    subscription sends ``customer.subscription.updated``."""
    from localstripe.resources import Event, Invoice, Subscription, schedule_webhook

    if getattr(Invoice, "_events_taught", False):
        return
    on_success = Invoice._on_payment_success

    def _on_payment_success(self):
        on_success(self)
        schedule_webhook(Event("invoice.paid", self))

    pay = Invoice._api_pay_invoice.__func__

    def _api_pay_invoice(cls, id):
        invoice = pay(cls, id)
        charge = invoice.charge
        if invoice.status == "open" and charge is not None and charge.status == "failed":
            invoice.attempt_count = getattr(invoice, "_attempts", 0) + 1
            invoice._attempts = invoice.attempt_count
            if invoice.subscription:
                sub = Subscription._api_retrieve(invoice.subscription)
                if sub.status in ("active", "past_due"):
                    sub.status = "past_due"
                    schedule_webhook(Event("customer.subscription.updated", sub))
            schedule_webhook(Event("invoice.payment_failed", invoice))
        return invoice

    update = Subscription._api_update.__func__

    def _api_update(cls, id, **data):
        sub = update(cls, id, **data)
        schedule_webhook(Event("customer.subscription.updated", sub))
        return sub

    Invoice._on_payment_success = _on_payment_success
    Invoice._api_pay_invoice = classmethod(_api_pay_invoice)
    Subscription._api_update = classmethod(_api_update)
    Invoice._events_taught = True


def _add_subscription_renewal(app):
    """``POST /_config/subscriptions/{id}/renew``: the period ends now. A subscription
    set to cancel at period end is cancelled (``customer.subscription.deleted``);
    otherwise the next period starts and its invoice is charged to the customer's
    default card (``invoice.paid`` or ``invoice.payment_failed``)."""
    from localstripe import server
    from localstripe.errors import UserError
    from localstripe.resources import Event, Subscription, schedule_webhook

    async def renew(request):
        sub = Subscription._api_retrieve(request.match_info["id"])
        if sub.status in ("canceled", "incomplete", "incomplete_expired"):
            raise UserError(400, f"Subscription {sub.id} is {sub.status}")
        if sub.cancel_at_period_end:
            Subscription._api_delete(sub.id)
            return server.json_response(sub._export())
        sub.start_date = sub.current_period_end  # the periods count from here
        schedule_webhook(Event("customer.subscription.updated", sub))
        sub._create_invoice()
        return server.json_response(sub._export())

    app.router.add_route("POST", "/_config/subscriptions/{id}/renew", renew)


def free_port(host="127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def serve(*, port, state, host="127.0.0.1", from_scratch=False):
    if state:
        os.makedirs(os.path.dirname(os.path.abspath(state)), exist_ok=True)
    _use_state_file(state)
    _teach_payment_intent_extras()
    _teach_subscription_events()
    from aiohttp import web
    from localstripe import server

    _add_ephemeral_keys(server.app)
    _add_subscription_renewal(server.app)
    if from_scratch:
        server.store.clear()
    else:
        server.store.try_load_from_disk()
    web.run_app(server.app, host=host, port=port, print=None, access_log=None)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8420)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument(
        "--state",
        default=os.path.join("var", "localstripe.pickle"),
        help="state file; an empty string keeps the state in memory only",
    )
    parser.add_argument("--from-scratch", action="store_true")
    args = parser.parse_args(argv)
    if args.host not in ("127.0.0.1", "::1", "localhost"):
        sys.exit("localstripe is a test server: bind it to the loopback interface only.")
    serve(port=args.port, state=args.state, host=args.host, from_scratch=args.from_scratch)


if __name__ == "__main__":
    main()
