"""Ids from outside (paths, query strings, form fields): digits within the range every
primary key of ours fits in, or nothing.

The smallest integer key column is a PostgreSQL ``integer`` (Wagtail's pages, Django's users),
so larger numbers cannot name a row anywhere: they are turned away before any query, so that
neither SQLite (OverflowError) nor PostgreSQL (DataError) ever sees them.
"""

MAX_ID = 2**31 - 1
# At most ten digits: anything longer is out of range whatever its value.
_MAX_DIGITS = len(str(MAX_ID))


def parse_id(value) -> int | None:
    """A positive id from a string (ASCII digits only), or None."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 < value <= MAX_ID else None
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not value or len(value) > _MAX_DIGITS or not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


def parse_ids(values) -> list[int]:
    """The valid ids among ``values`` (e.g. ``request.GET.getlist("id")``), in order, once."""
    seen: dict[int, None] = {}
    for value in values:
        number = parse_id(value)
        if number is not None:
            seen.setdefault(number)
    return list(seen)


class IdConverter:
    """``<id:pk>`` in a URL: like ``<id:pk>``, but a number no row can have does not match,
    so the URL is a 404 instead of reaching the database."""

    regex = f"[0-9]{{1,{_MAX_DIGITS}}}"

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValueError(value)
        return number

    def to_url(self, value) -> str:
        return str(int(value))
