"""Run localstripe (a stateful Stripe test server) on the loopback interface only.

localstripe's own command line listens on every interface and keeps its state in
``/tmp/localstripe.pickle``; this starts the same aiohttp app bound to 127.0.0.1, with its
state file where we say (inside the project's ``var/``). Used by the test suite (a session
fixture) and the demo::

    python -m payments.localstripe_server --port 8420 --state var/localstripe.pickle

localstripe is a test dependency, never imported by the product itself.
"""

import argparse
import os
import pickle
import socket
import sys


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


def free_port(host="127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def serve(*, port, state, host="127.0.0.1", from_scratch=False):
    if state:
        os.makedirs(os.path.dirname(os.path.abspath(state)), exist_ok=True)
    _use_state_file(state)
    _teach_payment_intent_extras()
    from aiohttp import web
    from localstripe import server

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
