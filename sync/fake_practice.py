"""A small practice system speaking the REST/JSON contract (docs/sync.md), in memory.

The test suite and the demo (``manage.py fake_practice``, loopback only) run it, so a
newcomer can watch a sync happen: change a pet here, see it in the portal after the
next run. Every request it answers is kept in ``requests`` (method, path, query,
headers, body) for tests to assert on."""

import bisect
import datetime
import itertools
import json
import threading
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

RESOURCES = ("clients", "pets", "appointments", "loyalty_transactions")


class FakePractice:
    def __init__(self, *, api_key="test-key", client_id="", client_secret=""):
        self.api_key = api_key
        self.client_id, self.client_secret = client_id, client_secret
        self.tokens = set()
        self.data = {name: {} for name in RESOURCES}
        self.seq = itertools.count(1)
        self.changed = {name: {} for name in RESOURCES}  # id → sequence of last change
        # (sequence, id) of every change in order; an id's older entries are stale
        self.log = {name: [] for name in RESOURCES}
        self.requests = []
        self.fail_next = 0  # answer this many requests with a 500
        self.raw_items = {name: [] for name in RESOURCES}  # extra items sent as they are
        self.lock = threading.Lock()
        self.ids = itertools.count(9001)
        self.consents = {}  # id → the consent form as sent (write-only here)

    # --- the practice's own edits ---------------------------------------------------------
    def put(self, resource, record):
        with self.lock:
            record = {**record, "id": str(record["id"])}
            self.data[resource][record["id"]] = record
            self._changed(resource, record["id"])
            return record

    def edit(self, resource, record_id, **fields):
        with self.lock:
            record = self.data[resource][str(record_id)]
            record.update(fields)
            self._changed(resource, str(record_id))
            return record

    def _changed(self, resource, record_id):
        seq = next(self.seq)
        self.changed[resource][record_id] = seq
        self.log[resource].append((seq, record_id))

    # --- the protocol -------------------------------------------------------------------
    def _authorised(self, headers):
        auth = headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ").strip()
        return bool(token) and (token == self.api_key or token in self.tokens)

    def answer(self, method, path, query, headers, body):
        """(status, JSON body) for one request."""
        self.requests.append(
            {"method": method, "path": path, "query": query, "headers": headers, "body": body}
        )
        if self.fail_next:
            self.fail_next -= 1
            return 500, {"detail": "internal error"}
        if method == "POST" and path == "/oauth/token":
            if (body.get("client_id"), body.get("client_secret")) != (
                self.client_id,
                self.client_secret,
            ) or body.get("grant_type") != "client_credentials":
                return 401, {"error": "invalid_client"}
            token = f"tok-{next(self.ids)}"
            self.tokens.add(token)
            return 200, {"access_token": token, "token_type": "Bearer", "expires_in": 3600}
        if not self._authorised(headers):
            return 401, {"detail": "missing or wrong credentials"}
        parts = [p for p in path.split("/") if p]
        if path == "/health":
            return 200, {"resources": list(RESOURCES)}
        if method == "GET" and len(parts) == 1 and parts[0] in RESOURCES:
            return 200, self._page(parts[0], query)
        if method == "POST" and len(parts) == 1 and parts[0] in RESOURCES:
            return self._create(parts[0], body)
        if method == "POST" and parts == ["consents"]:
            if body.get("client_id") not in self.data["clients"]:
                return 422, {"error": "unknown_client", "detail": "No such client."}
            consent_id = str(next(self.ids))
            self.consents[consent_id] = body
            return 201, {"id": consent_id}
        if parts[:1] == ["appointments"] and len(parts) >= 2:
            record = self.data["appointments"].get(parts[1])
            if record is None:
                return 404, {"detail": "no such appointment"}
            if method == "PATCH":
                clash = self._clash(body.get("resource_id"), body["start"], body["end"], parts[1])
                if clash:
                    return 409, {"error": "slot_taken", "detail": "That time is taken."}
                self.edit("appointments", parts[1], **body)
                return 200, self.data["appointments"][parts[1]]
            if method == "POST" and parts[2:] == ["cancel"]:
                self.edit("appointments", parts[1], status="cancelled")
                return 200, self.data["appointments"][parts[1]]
        return 404, {"detail": "not found"}

    def _page(self, resource, query):
        since = int(query.get("cursor", "0") or 0)
        limit = int(query.get("limit", "100"))
        with self.lock:
            # The change log is in sequence order: find where ``since`` ends, take the
            # next ``limit`` current entries (a page costs its size, not the whole log).
            log, changed = self.log[resource], self.changed[resource]
            start = bisect.bisect_right(log, (since, "\uffff"))
            page, more = [], False
            for index in range(start, len(log)):
                seq, rid = log[index]
                if changed.get(rid) != seq:
                    continue  # changed again later: sent at its later place
                if len(page) == limit:
                    more = True
                    break
                page.append((seq, rid))
            items = [self.data[resource][rid] for _, rid in page]
            if since == 0:
                items = items + self.raw_items[resource]
            cursor = str(page[-1][0]) if page else str(since)
            return {"items": items, "next_cursor": cursor, "has_more": more}

    def _clash(self, resource_id, start, end, ignore=None):
        start, end = (datetime.datetime.fromisoformat(v) for v in (start, end))
        for rid, appointment in self.data["appointments"].items():
            if rid == ignore or appointment.get("status") == "cancelled":
                continue
            if appointment.get("resource_id") != resource_id:
                continue
            other_start = datetime.datetime.fromisoformat(appointment["start"])
            other_end = datetime.datetime.fromisoformat(appointment["end"])
            if other_start < end and other_end > start:
                return True
        return False

    def _create(self, resource, body):
        if resource == "appointments" and self._clash(
            body.get("resource_id"), body["start"], body["end"]
        ):
            return 409, {"error": "slot_taken", "detail": "That time is already booked."}
        record = {**body, "id": str(next(self.ids))}
        if resource == "appointments":
            record.setdefault("status", "booked")
        self.put(resource, record)
        return 201, {"id": record["id"]}


def handler_for(practice):
    class Handler(BaseHTTPRequestHandler):
        def _serve(self, method):
            url = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(url.query).items()}
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            content_type = self.headers.get("Content-Type", "")
            if raw and "json" in content_type:
                body = json.loads(raw)
            elif raw:
                body = {k: v[-1] for k, v in parse_qs(raw.decode()).items()}
            else:
                body = {}
            headers = dict(self.headers.items())
            status, answer = practice.answer(method, url.path, query, headers, body)
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            self._serve("GET")

        def do_POST(self):
            self._serve("POST")

        def do_PATCH(self):
            self._serve("PATCH")

        def log_message(self, *args):
            pass

    return Handler


# --- the demo: `python -m sync.fake_practice` -------------------------------------------


def demo_practice(riverside_yaml):
    """Riverside's practice system as the demo starts it: its clients and pets from the
    demo file, under the same practice ids, plus an editing page at ``/``."""
    import yaml

    with open(riverside_yaml, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    practice = FakePractice(api_key="demo-key")
    for client in doc.get("clients", []):
        first, _, last = client["name"].partition(" ")
        practice.put(
            "clients",
            {
                "id": client["key"],
                "email": client["email"],
                "first_name": first,
                "last_name": last,
                "phone": client.get("phone", ""),
            },
        )
    for pet in doc.get("pets", []):
        born = pet.get("date_of_birth")
        practice.put(
            "pets",
            {
                "id": pet["external_id"],
                "owner_id": pet["owner"],
                "name": pet["name"],
                "species": pet.get("species", "other"),
                "breed": pet.get("breed", ""),
                "date_of_birth": born.isoformat() if born else None,
                "status": "active",
            },
        )
    return practice


def _pet_row(pet):
    import html

    def esc(value):
        return html.escape(str(value or ""), quote=True)

    options = "".join(
        f"<option{' selected' if pet.get('status') == s else ''}>{s}</option>"
        for s in ("active", "inactive", "deceased")
    )
    return (
        "<tr><form method=post action=/_edit>"
        f"<td>{esc(pet['id'])}<input type=hidden name=id value='{esc(pet['id'])}'></td>"
        f"<td>{esc(pet['owner_id'])}</td>"
        f"<td><input name=name value='{esc(pet['name'])}'></td>"
        f"<td><input name=date_of_birth value='{esc(pet.get('date_of_birth'))}'></td>"
        f"<td><select name=status>{options}</select></td><td><button>Save</button></td>"
        "</form></tr>"
    )


def demo_handler(practice):
    """The contract, plus ``GET /`` (the pets, each with a form) and ``POST /_edit``."""
    base = handler_for(practice)

    class DemoHandler(base):
        def do_GET(self):
            if urlsplit(self.path).path != "/":
                return super().do_GET()
            rows = "".join(_pet_row(p) for p in practice.data["pets"].values())
            page = (
                "<!doctype html><title>Riverside practice system (demo)</title>"
                "<h1>Riverside practice system (demo)</h1><p>Change a pet, then watch the "
                "portal after the next sync (every minute, or Clinic → Practice sync → Sync now)."
                "</p><table><tr><th>id</th><th>owner</th><th>name</th><th>born</th>"
                f"<th>status</th></tr>{rows}</table>"
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def do_POST(self):
            if urlsplit(self.path).path != "/_edit":
                return super().do_POST()
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[-1] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            if form.get("id") in practice.data["pets"]:
                practice.edit(
                    "pets",
                    form["id"],
                    name=form.get("name", ""),
                    date_of_birth=form.get("date_of_birth") or None,
                    status=form.get("status", "active"),
                )
            self.send_response(303)
            self.send_header("Location", "/")
            self.end_headers()

    return DemoHandler


def main(argv=None):
    import argparse
    from http.server import ThreadingHTTPServer
    from pathlib import Path

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8430)
    args = parser.parse_args(argv)
    riverside = Path(__file__).resolve().parent.parent / "demo" / "riverside.yaml"
    practice = demo_practice(riverside)
    # Loopback only: a test system, never on the network.
    server = ThreadingHTTPServer(("127.0.0.1", args.port), demo_handler(practice))
    print(f"Riverside practice system (demo) at http://127.0.0.1:{args.port}/", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
