"""Danish CPR numbers must never be written into the dialog or any other free text we store
(booking purposes included): one guard for every app.

A CPR number is DDMMYY-XXXX: a date of birth and four digits. We look for ten digits whose
first six form a real date, written together or with a dash or space before the last four
(and dots, dashes or spaces between day, month and year, as people write dates). The
modulus-11 check is not used: numbers issued since 2007 need not pass it.

Eight-digit phone numbers and longer runs of digits (account and order numbers) are not
CPR numbers and pass.
"""

import re

from django.utils.translation import gettext_lazy as _

# (?<!\d) and (?!\d): ten digits standing alone, not part of a longer number.
_CPR = re.compile(
    r"(?<!\d)(\d{2})[-./ ]?(\d{2})[-./ ]?(\d{2})"  # day, month, year
    r"[-\u2010\u2013\u2014 \u00a0]?(\d{4})(?!\d)"  # dash (or none), four digits
)

_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)

CPR_REFUSAL = _(
    "Beskeden ser ud til at indeholde et CPR-nummer, så vi har ikke sendt den. "
    "CPR-numre er følsomme personoplysninger og må ikke skrives her. "
    "Fjern nummeret og skriv beboerens fornavn i stedet – eller ring til botilbuddet, "
    "hvis personalet skal bruge det."
)


def _is_date(day: int, month: int, year: int) -> bool:
    """A day that exists in some century for this two-digit year (29 February only in
    years divisible by four: 1900 was no leap year, but 2000 was)."""
    if not 1 <= month <= 12 or day < 1:
        return False
    if month == 2 and day == 29:
        return year % 4 == 0
    return day <= _DAYS_IN_MONTH[month - 1]


def contains_cpr(text: str) -> bool:
    """True if the text holds something that looks like a CPR number."""
    text = text or ""
    # Candidates may overlap ("01 020304-1234"): after one that is no date, look again
    # from the next character rather than after it.
    match = _CPR.search(text)
    while match is not None:
        day, month, year, _serial = match.groups()
        if _is_date(int(day), int(month), int(year)):
            return True
        match = _CPR.search(text, match.start() + 1)
    return False
