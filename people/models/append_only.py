"""Rows that are history: written once, never changed or deleted (signed forms,
medical history versions). Like ``AuditEntry``, the model and its queryset refuse."""

from django.db import models


class ImmutableRecordError(Exception):
    """An attempt to rewrite or remove a record that is history."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableRecordError(f"{self.model._meta.verbose_name} records cannot be changed.")

    def delete(self):
        raise ImmutableRecordError(f"{self.model._meta.verbose_name} records cannot be deleted.")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableRecordError(f"{self._meta.verbose_name} records cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecordError(f"{self._meta.verbose_name} records cannot be deleted.")
