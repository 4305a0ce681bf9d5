"""How fresh the clinic's data is. Where a clinic's own practice system is the source of
truth, its pets and rewards reach the portal with the next sync (a few minutes): the
patient is told when that last happened. The sync app (above) registers its answer
here in its ``ready``; apps below it (people, loyalty) and the pages ask
``last_synced`` without importing it."""

_sources = []


def register_last_synced_source(source) -> None:
    """``source(clinic)`` → when the clinic's data last came from its practice system,
    or None (no connection)."""
    if source not in _sources:
        _sources.append(source)


def last_synced(clinic):
    """The latest of the registered answers, or None: no connection, nothing to say."""
    times = [t for source in _sources if (t := source(clinic)) is not None]
    return max(times) if times else None


def last_synced_header(response, clinic):
    """An API answer carries ``Last-Synced`` (ISO 8601) when the clinic has a practice
    connection that has run."""
    when = last_synced(clinic)
    if when is not None:
        response["Last-Synced"] = when.isoformat()
    return response
