"""The CPR guard moved down to ``access.cpr`` (residents and the dialog both use it)."""

from access.cpr import CPR_REFUSAL, contains_cpr

__all__ = ["CPR_REFUSAL", "contains_cpr"]
