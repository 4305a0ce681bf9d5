"""The pets, photos and messages tabs of the client account view and their screens,
under /admin/clinic/clients/<client_pk>/ (URL namespace ``client_records``). Registered
with Wagtail by importing this package from ``records/wagtail_hooks.py``."""

from django.urls import include, path
from wagtail import hooks

from people.account_tabs import HOOK_NAME
from records.admin_tabs import files, messages, pets, photos

hooks.register(HOOK_NAME, pets.pets_tab)
# One Files tab: staff's documents and clinical photos, and the client's own photos.
hooks.register(HOOK_NAME, files.files_tab)
hooks.register(HOOK_NAME, messages.messages_tab)


@hooks.register("register_admin_urls")
def register_client_record_urls():
    patterns = [*pets.urlpatterns, *photos.urlpatterns, *files.urlpatterns, *messages.urlpatterns]
    return [
        path(
            "clinic/clients/<id:client_pk>/",
            include((patterns, "client_records")),
        )
    ]
