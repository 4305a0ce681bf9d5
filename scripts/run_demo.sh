#!/usr/bin/env bash
# Runs the demo's web server and background worker until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
STRIPE_PORT=${STRIPE_PORT:-8420}
PRACTICE_PORT=${PRACTICE_PORT:-8430}

# localstripe (a stateful Stripe test server) on the loopback interface only, its state
# in VAR_DIR (var/ by default, like the database), so the demo's checkout works offline;
# cms.settings.dev points Stripe at it.
VAR_DIR=${VAR_DIR:-var}
mkdir -p "$VAR_DIR"
"$BIN/python" -m payments.localstripe_server --host 127.0.0.1 --port "$STRIPE_PORT" \
  --state "$VAR_DIR/localstripe.pickle" &
STRIPE=$!
export STRIPE_API_BASE=${STRIPE_API_BASE:-http://127.0.0.1:$STRIPE_PORT}

# Riverside's practice system (a local fake speaking docs/sync.md's contract), loopback
# only; seed_demo connected Riverside to it. Edit a pet at its page, watch the portal.
"$BIN/python" -m sync.fake_practice --port "$PRACTICE_PORT" &
PRACTICE=$!

"$BIN/python" manage.py qcluster &
WORKER=$!
# Background jobs of a script ignore Ctrl-C, so stop them ourselves: politely first, then
# for good if the worker is still finishing a task after ten seconds.
stop_background() {
  trap - EXIT INT TERM
  kill -TERM "$WORKER" "$STRIPE" "$PRACTICE" 2>/dev/null || true
  for _ in $(seq 1 20); do
    kill -0 "$WORKER" 2>/dev/null || kill -0 "$STRIPE" 2>/dev/null || break
    sleep 0.5
  done
  pkill -KILL -P "$WORKER" 2>/dev/null || true
  kill -KILL "$WORKER" "$STRIPE" "$PRACTICE" 2>/dev/null || true
}
trap stop_background EXIT INT TERM

echo
echo "Clinic portals:  http://glow.localhost:$PORT/   http://riverside.localhost:$PORT/"
echo "Admin:           http://glow.localhost:$PORT/admin/"
echo "API docs:        http://glow.localhost:$PORT/api/docs/"
echo "Stripe (local):  $STRIPE_API_BASE (localstripe; pay with the test cards offered)"
echo "Practice (fake): http://127.0.0.1:$PRACTICE_PORT/ (Riverside's practice system; edit a pet there)"
echo "Press Ctrl-C to stop."
echo
"$BIN/python" manage.py runserver "$HOST:$PORT" --noreload
