"""Which Host headers the platform answers: the configured ``ALLOWED_HOSTS`` patterns
plus every clinic's domain, read from the clinics' Wagtail sites. A new clinic's domain
is accepted as soon as it is saved, without editing settings or restarting.

``ALLOWED_HOSTS`` is a ``ClinicHosts`` list: Django's own host check
(``HttpRequest.get_host``) iterates it, and iterating yields the configured patterns and
then the clinics' hostnames. Those come from a process-local copy (``LOCAL_SECONDS``)
of a shared cache entry, which a Site's save or deletion drops (``connect``): one
query per process every half minute at most, none per request. Other processes see a
new domain within ``LOCAL_SECONDS``. Nothing here is imported at settings time but this
class; models are read lazily."""

import threading
import time

CACHE_KEY = "branding:clinic-hostnames"
CACHE_SECONDS = 300
LOCAL_SECONDS = 30

_local = threading.local()


def clinic_hostnames() -> frozenset[str]:
    """Every clinic's domain (lower case), cached as above."""
    now = time.monotonic()
    held = getattr(_local, "held", None)
    if held is not None and now - held[0] < LOCAL_SECONDS:
        return held[1]
    from django.core.cache import cache
    from django.db import DatabaseError

    names = cache.get(CACHE_KEY)
    if names is None:
        from branding.models import Clinic

        try:
            names = frozenset(
                h.lower() for h in Clinic.objects.values_list("site__hostname", flat=True) if h
            )
        except DatabaseError:  # no tables yet (a first migrate)
            return frozenset()
        cache.set(CACHE_KEY, names, CACHE_SECONDS)
    _local.held = (now, names)
    return names


def clinic_hostnames_forget(**kwargs):
    """A clinic's site was saved or deleted: read the hostnames again."""
    from django.core.cache import cache

    cache.delete(CACHE_KEY)
    _local.held = None


class ClinicHosts(list):
    """``ALLOWED_HOSTS``: the configured patterns, then the clinics' domains."""

    def __iter__(self):
        yield from super().__iter__()
        yield from clinic_hostnames()


def connect():
    from django.db.models.signals import post_delete, post_save
    from wagtail.models import Site

    from branding.models import Clinic

    for model in (Site, Clinic):
        post_save.connect(clinic_hostnames_forget, sender=model, dispatch_uid=f"hosts-{model}")
        post_delete.connect(
            clinic_hostnames_forget, sender=model, dispatch_uid=f"hosts-del-{model}"
        )
