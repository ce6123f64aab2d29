"""What is read from a provider's claims, and what never is.

MitID brokers can send the person's CPR number (Criipto's ``cprNumberIdentifier``,
Signaturgruppen's ``dk.cpr`` / ``mitid.cpr_number``, eIDAS' national identifier ``nin``).
Samspil has no use for it and must not hold it: such claims are dropped the moment the
claims arrive, before anything else (logging included) sees them.
"""

import re
from collections.abc import Iterable

# A claim whose name says it is a personal identity number, in any broker's spelling:
# anything with "cpr" in it, or a name part (between dots, dashes, colons, underscores or
# slashes) that is one of these.
PERSONAL_NUMBER_PARTS = frozenset({"nin", "ssn", "pnr", "personnummer", "personalnumber"})
NAME_PARTS = re.compile(r"[._:/\-]+")
# A group claim with more values than this is cut (Entra sends at most 200 in a token).
MAX_GROUPS = 500
MAX_VALUE_LENGTH = 255
NAME_MAX_LENGTH = 150


def without_personal_numbers(claims: dict) -> dict:
    """A copy of ``claims`` without any claim naming a personal identity number."""
    return {name: value for name, value in claims.items() if not is_personal_number(name)}


def is_personal_number(claim_name) -> bool:
    name = str(claim_name).lower()
    return "cpr" in name or bool(PERSONAL_NUMBER_PARTS.intersection(NAME_PARTS.split(name)))


def group_values(claims: dict, claim_name: str) -> set[str]:
    """The directory groups a person is in: a list of strings (or one string) in the named
    claim; anything else counts as no group."""
    value = claims.get(claim_name)
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, Iterable) or isinstance(value, dict):
        return set()
    return {
        item.strip()
        for item in list(value)[:MAX_GROUPS]
        if isinstance(item, str) and 0 < len(item.strip()) <= MAX_VALUE_LENGTH
    }


def _text(claims: dict, name: str) -> str:
    value = claims.get(name)
    return value.strip()[:NAME_MAX_LENGTH] if isinstance(value, str) else ""


def person_name(claims: dict) -> tuple[str, str]:
    """(given name, family name) from the standard claims; a single ``name`` is split at
    its last space."""
    given, family = _text(claims, "given_name"), _text(claims, "family_name")
    if given or family:
        return given, family
    full = _text(claims, "name")
    if " " in full:
        first, _space, last = full.rpartition(" ")
        return first[:NAME_MAX_LENGTH], last[:NAME_MAX_LENGTH]
    return full, ""


def email(claims: dict) -> str:
    value = claims.get("email")
    if not isinstance(value, str) or "@" not in value or len(value) > 254:
        return ""
    return value.strip().lower()


def subject(claims: dict) -> str:
    value = claims.get("sub")
    if not isinstance(value, str) or not 0 < len(value) <= MAX_VALUE_LENGTH:
        return ""
    return value
