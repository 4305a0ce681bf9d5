#!/usr/bin/env bash
# Runs the demo's web server and background worker until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}

"$BIN/python" manage.py qcluster &
WORKER=$!
trap 'kill $WORKER 2>/dev/null || true; wait $WORKER 2>/dev/null || true' EXIT INT TERM

echo
echo "Clinic portals:  http://glow.localhost:$PORT/   http://riverside.localhost:$PORT/"
echo "Admin:           http://glow.localhost:$PORT/admin/"
echo "API docs:        http://glow.localhost:$PORT/api/docs/"
echo "Press Ctrl-C to stop."
echo
"$BIN/python" manage.py runserver "$HOST:$PORT" --noreload
