"""The id in page URLs: one to eighteen digits, like the API's ``ID_PATTERN``. Django's ``int`` converter takes
any number of digits, and a number too large for the database's id column made SQLite raise an OverflowError
(a 500) before the view could answer 404; with this converter such a URL simply does not match (404)."""

from django.urls import register_converter


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")
