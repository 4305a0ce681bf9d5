"""``<id:…>`` in a URL: a database row id. Like Django's ``<int:…>`` but never longer than
18 digits, so every value fits the 64-bit id columns: a longer number is simply no such
page (404) instead of an overflow in the database driver (a 500)."""

from django.urls import register_converter


class RowIdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(int(value))


def register():
    register_converter(RowIdConverter, "id")
