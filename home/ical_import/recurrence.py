"""The occurrences of a repeating event inside the window, found in bounded work."""

import datetime as dt

from dateutil.rrule import rrule, rrulestr

from .limits import MAX_OCCURRENCES


def _occurrences(
    rule_text: str,
    local_start: dt.datetime,
    until: dt.datetime | None,
    window_start: dt.datetime,
    window_end: dt.datetime,
) -> list[dt.datetime]:
    """The rule's occurrences inside the window, as naive wall-clock datetimes, at most one
    more than MAX_OCCURRENCES (so the caller can tell the editor the limit was reached).

    dateutil checks the end of a rule only when a candidate matches, so a rule that can never
    match again walks every period up to the year 9999. The walk therefore runs shifted by
    whole 400-year Gregorian cycles (which repeat weekdays, leap years and week numbers
    exactly), so that the window ends close to 9999 and such a walk is short.
    """
    if local_start > window_end or (until is not None and until < window_start):
        return []
    shift = max(0, (9998 - window_end.year) // 400 * 400)
    rule = rrulestr(rule_text, dtstart=_add_years(local_start, shift))
    if not isinstance(rule, rrule):
        raise ValueError("not a single rule")
    if until is not None:
        rule = rule.replace(until=_add_years(min(until, window_end), shift))
    found = []
    for shifted in rule:
        moment = _add_years(shifted, -shift)
        if moment > window_end:
            break
        if moment >= window_start:
            found.append(moment)
            if len(found) > MAX_OCCURRENCES:
                break
    return found


def _add_years(moment: dt.datetime, years: int) -> dt.datetime:
    return moment.replace(year=moment.year + years)


def _wall_clock(moment: dt.datetime, frame) -> dt.datetime:
    return moment.astimezone(frame).replace(tzinfo=None)


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _stamp(key: dt.datetime | dt.date) -> str:
    if isinstance(key, dt.datetime):
        return key.strftime("%Y%m%dT%H%M%S")
    return key.strftime("%Y%m%d")
