"""Queue a payments task by name, after commit. A leaf module: the services queue their
follow-up work here without importing ``payments.tasks`` (which imports them)."""

from django.conf import settings


def queue(name, *args):
    from django_q.tasks import async_task

    async_task(
        f"payments.tasks.{name}",
        *args,
        task_name=f"payments-{name}-{'-'.join(map(str, args))}",
        sync=settings.Q_CLUSTER.get("sync"),
    )
