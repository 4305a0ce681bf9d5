"""Reads of the desk's inbox: the clinic's conversations (chats) across clients, unread
by staff first, then newest, with the client, the assignee and the last message, in a
constant number of queries for a page.

Who sees what (the client-account rules, ``records.workspace.access``): managers and
front-desk staff see every conversation of the clinic; a therapist sees the
conversations of clients they have (or had) an appointment with, and those assigned to
them."""

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Least, Substr

from booking_api.client_selectors import client_ids_seen_by_staff_user
from people.models import ClinicMembership, StaffRole
from people.selectors import clinic_memberships
from records.models import Message, MessageThread, Sender, ThreadKind

SHOW_ALL, SHOW_MINE, SHOW_UNASSIGNED = "all", "mine", "unassigned"
SHOWS = (SHOW_ALL, SHOW_MINE, SHOW_UNASSIGNED)
EXCERPT = 140


def _visible(clinic, *, user, role):
    threads = MessageThread.objects.filter(clinic=clinic, kind=ThreadKind.CHAT)
    if role in (StaffRole.MANAGER, StaffRole.STAFF):
        return threads
    if role == StaffRole.THERAPIST:
        return threads.filter(
            Q(assigned_to=user) | Q(client_id__in=client_ids_seen_by_staff_user(clinic, user))
        )
    return threads.none()


def inbox_threads(clinic, *, user, role, show=SHOW_ALL, unread_only=False):
    """The conversations this person may see, filtered (``show``: all, mine, unassigned;
    ``unread_only``), each with ``unread`` (the client's messages staff have not read),
    ``has_unread`` (0/1, the sort key) and ``excerpt`` (the start of the last message),
    client and assignee loaded. One query per page (plus a count to page it)."""
    threads = _visible(clinic, user=user, role=role)
    if show == SHOW_MINE:
        threads = threads.filter(assigned_to=user)
    elif show == SHOW_UNASSIGNED:
        threads = threads.filter(assigned_to__isnull=True)
    last = Message.objects.filter(thread=OuterRef("pk")).order_by("-created_at", "-pk")
    threads = threads.annotate(
        unread=Count(
            "messages",
            filter=Q(messages__sender=Sender.CLIENT, messages__read_at__isnull=True),
        ),
        excerpt=Subquery(last.annotate(start=Substr("body", 1, EXCERPT)).values("start")[:1]),
        last_sender=Subquery(last.values("sender")[:1]),
    ).annotate(has_unread=Least("unread", 1, output_field=IntegerField()))
    if unread_only:
        threads = threads.filter(unread__gt=0)
    return threads.select_related("client__user", "assigned_to").order_by(
        "-has_unread", "-last_message_at", "-pk"
    )


def inbox_unread_count(clinic, *, user, role):
    """How many conversations this person may see wait for the desk (a client's message
    unread): the menu's badge. One query."""
    unread = Message.objects.filter(sender=Sender.CLIENT, read_at__isnull=True)
    return _visible(clinic, user=user, role=role).filter(pk__in=unread.values("thread_id")).count()


def inbox_thread(clinic, thread_id, *, user, role):
    """One conversation the person may see, or None (another clinic's → None)."""
    return (
        _visible(clinic, user=user, role=role)
        .filter(pk=thread_id)
        .select_related("client__user", "assigned_to", "clinic")
        .first()
    )


def assignable_staff(clinic):
    """The people a conversation may be assigned to: the clinic's staff, as (user id,
    name) pairs. One query."""
    return [(m.user_id, m.user.get_full_name() or m.user.email) for m in clinic_memberships(clinic)]


def assignable_user(clinic, user_id):
    """The user with this id if they are on the clinic's staff, else None. One query."""
    membership = (
        ClinicMembership.objects.filter(clinic=clinic, user_id=user_id)
        .select_related("user")
        .first()
    )
    return membership.user if membership else None
