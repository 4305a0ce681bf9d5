#!/usr/bin/env bash
# Runs the demo's web server and background worker until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
STRIPE_PORT=${STRIPE_PORT:-8420}

# localstripe (a stateful Stripe test server) on the loopback interface only, its state
# in var/, so the demo's checkout works offline; cms.settings.dev points Stripe at it.
mkdir -p var
"$BIN/python" -m payments.localstripe_server --host 127.0.0.1 --port "$STRIPE_PORT" \
  --state var/localstripe.pickle &
STRIPE=$!
export STRIPE_API_BASE=${STRIPE_API_BASE:-http://127.0.0.1:$STRIPE_PORT}

"$BIN/python" manage.py qcluster &
WORKER=$!
trap 'kill $WORKER $STRIPE 2>/dev/null || true; wait $WORKER $STRIPE 2>/dev/null || true' EXIT INT TERM

echo
echo "Clinic portals:  http://glow.localhost:$PORT/   http://riverside.localhost:$PORT/"
echo "Admin:           http://glow.localhost:$PORT/admin/"
echo "API docs:        http://glow.localhost:$PORT/api/docs/"
echo "Stripe (local):  $STRIPE_API_BASE (localstripe; pay with the test cards offered)"
echo "Press Ctrl-C to stop."
echo
"$BIN/python" manage.py runserver "$HOST:$PORT" --noreload
