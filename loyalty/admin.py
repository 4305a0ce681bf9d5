"""Read-only Django admin for the ledger: entries are never edited or deleted here."""

from django.contrib import admin

from loyalty.models import LedgerEntry


@admin.register(LedgerEntry)
class LedgerEntryAdmin(admin.ModelAdmin):
    list_display = ["id", "clinic", "client", "kind", "amount", "balance_after", "created_at"]
    list_filter = ["kind"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
