"""Reads about the files on a client's account, clinic first."""

from booking_api.selectors import bookings_for_client
from records.models import ClientFile, FileKind


def files_for_client(clinic, client):
    """The client's files at this clinic, newest first, with their booking's service.
    One query."""
    return ClientFile.objects.filter(clinic=clinic, client=client).select_related(
        "booking__service", "uploaded_by"
    )


def client_file(clinic, client, file_id):
    """One of the client's files at this clinic by id, or None (another clinic's or
    another client's file is never found)."""
    return ClientFile.objects.filter(clinic=clinic, client=client, pk=file_id).first()


def files_by_kind(clinic, client, *, limit=120):
    """What the Files tab shows: the clinical photos and the documents, newest first."""
    files = list(files_for_client(clinic, client)[:limit])
    return {
        "photos": [f for f in files if f.kind == FileKind.PHOTO],
        "documents": [f for f in files if f.kind == FileKind.DOCUMENT],
    }


def bookings_to_attach(clinic, client, *, limit=30):
    """The client's bookings staff may link a file to, newest first."""
    return list(bookings_for_client(clinic, client)[:limit])
