"""Local development and the demo: debug on, everything embedded."""

import os

from .base import *  # noqa: F401,F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
INTERNAL_IPS = ["127.0.0.1"]

# The demo talks to localstripe, started by scripts/run_demo.sh on 127.0.0.1:8420.
STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "http://127.0.0.1:8420")

# Links in the demo's emails open the demo: http://glow.localhost:8000/…
PORTAL_URL_SCHEME = os.environ.get("PORTAL_URL_SCHEME", "http")
PORTAL_URL_PORT = os.environ.get("PORTAL_URL_PORT", os.environ.get("PORT", "8000"))
