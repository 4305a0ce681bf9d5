"""What apps above add to the staff appointment page, registered from their
``AppConfig.ready`` (booking_api imports none of them): panels of HTML shown under the
booking's summary (payments: price paid, balance and a link to the payments page),
sections of HTML under the actions (records: the treatment records and their form), and
the page that cancels a booking after asking (payments: reason, refund and fee)."""

_panels = []
_sections = []
_cancel_pages = []
_quick_view_annotations = {}


def register_appointment_panel(fn):
    """``fn(request, booking)`` → safe HTML (or "")."""
    _panels.append(fn)
    return fn


def register_appointment_section(fn):
    """``fn(request, booking)`` → safe HTML (or ""), shown under the actions."""
    _sections.append(fn)
    return fn


def register_cancel_page(fn):
    """``fn(booking)`` → the address of the page that cancels ``booking`` after asking."""
    _cancel_pages.append(fn)
    return fn


def appointment_panels(request, booking) -> list:
    return [html for html in (fn(request, booking) for fn in _panels) if html]


def appointment_sections(request, booking) -> list:
    return [html for html in (fn(request, booking) for fn in _sections) if html]


def cancel_page_url(booking) -> str | None:
    for fn in _cancel_pages:
        url = fn(booking)
        if url:
            return url
    return None


def register_quick_view_annotation(name, fn):
    """``fn(clinic)`` → a query expression annotated as ``name`` on the calendar's quick
    view of a booking (records: the client's allergies), so the quick view stays one
    query. A non-empty value is shown as a marker."""
    _quick_view_annotations[name] = fn
    return fn


def quick_view_annotations(clinic) -> dict:
    return {name: fn(clinic) for name, fn in _quick_view_annotations.items()}
