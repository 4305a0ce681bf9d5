"""Reads about messages, clinic first, each in a constant number of queries."""

from django.db.models import Count, Prefetch, Q

from records.models import Message, MessageThread, Sender


def _threads(clinic, client, *, unread_from):
    return (
        MessageThread.objects.filter(clinic=clinic, client=client)
        .annotate(
            unread=Count(
                "messages",
                filter=Q(messages__sender=unread_from, messages__read_at__isnull=True),
            )
        )
        .order_by("-last_message_at", "-pk")
    )


def threads_for_staff(clinic, client):
    """The client's threads with ``unread`` = the client's messages staff have not read,
    and their messages (the whole history). Two queries."""
    return list(
        _threads(clinic, client, unread_from=Sender.CLIENT).prefetch_related(
            Prefetch("messages", queryset=Message.objects.select_related("author"))
        )
    )


def threads_page_for_staff(clinic, client, *, page=1, per_page=25):
    """``threads_for_staff`` one page at a time (latest activity first), and whether
    there are older threads. Two queries."""
    offset = (max(1, page) - 1) * per_page
    threads = list(
        _threads(clinic, client, unread_from=Sender.CLIENT).prefetch_related(
            Prefetch("messages", queryset=Message.objects.select_related("author"))
        )[offset : offset + per_page + 1]
    )
    return threads[:per_page], len(threads) > per_page


def threads_for_client(clinic, client):
    """The client's own threads with ``unread`` = clinic messages they have not read.
    One query; another person's threads are never included."""
    if client is None:
        return MessageThread.objects.none()
    return _threads(clinic, client, unread_from=Sender.CLINIC)


def client_thread(clinic, client, thread_id):
    """The client's own thread by id with its messages, or None."""
    if client is None:
        return None
    return (
        MessageThread.objects.filter(clinic=clinic, client=client, pk=thread_id)
        .prefetch_related("messages")
        .first()
    )


def clinic_thread(clinic, client, thread_id):
    """For staff: one of this client's threads at this clinic, or None."""
    return (
        MessageThread.objects.filter(clinic=clinic, client=client, pk=thread_id)
        .select_related("client__user", "clinic")
        .first()
    )


def _unread(clinic, sender):
    return Message.objects.filter(thread__clinic=clinic, sender=sender, read_at__isnull=True)


def staff_unread_count(clinic, client):
    """Messages from this client that staff have not read yet. One query."""
    return _unread(clinic, Sender.CLIENT).filter(thread__client=client).count()


def staff_unread_by_client(clinic, client_ids):
    """client id → unread messages from them, for a page of the clients list. One query."""
    rows = (
        _unread(clinic, Sender.CLIENT)
        .filter(thread__client_id__in=list(client_ids))
        .values("thread__client_id")
        .annotate(n=Count("id"))
    )
    return {row["thread__client_id"]: row["n"] for row in rows}


def client_unread_count(clinic, client):
    """Clinic messages the client has not read. One query."""
    if client is None:
        return 0
    return _unread(clinic, Sender.CLINIC).filter(thread__client=client).count()


def staff_unread_clients(clinic, *, limit=5):
    """The clients with messages staff have not read, most recent first: a list of
    (client id, unread count), and the number of unread messages in all. Two queries."""
    from django.db.models import Max

    unread = _unread(clinic, Sender.CLIENT)
    rows = list(
        unread.values("thread__client_id")
        .annotate(n=Count("id"), latest=Max("created_at"))
        .order_by("-latest")[:limit]
    )
    total = unread.count()
    return [(row["thread__client_id"], row["n"]) for row in rows], total


def client_attachment(clinic, client, message_id):
    """For the client: a message with a file in one of their own threads, or None."""
    if client is None:
        return None
    return (
        Message.objects.filter(pk=message_id, thread__clinic=clinic, thread__client=client)
        .exclude(attachment="")
        .first()
    )


def staff_attachment(clinic, client, message_id):
    """For staff: a message with a file in one of this client's threads at this clinic,
    or None."""
    return (
        Message.objects.filter(pk=message_id, thread__clinic=clinic, thread__client=client)
        .exclude(attachment="")
        .first()
    )
