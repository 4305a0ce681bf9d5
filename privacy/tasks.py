"""django-q2 entry points of privacy. They take ids and are idempotent."""

from django.conf import settings


def queue_export(export_id):
    from django_q.tasks import async_task

    async_task(
        "privacy.tasks.build_export",
        export_id,
        task_name=f"data-export-{export_id}",
        sync=settings.Q_CLUSTER.get("sync"),
    )


def build_export(export_id):
    """Make the zip of one asked-for export (once; see export_build)."""
    from privacy.services import export_build

    return export_build(export_id=export_id)


def purge_expired_exports():
    """django-q2 schedule (hourly, created by migration privacy 0002): remove the files
    of links that expired unused."""
    from privacy.services import exports_purge

    return exports_purge()
