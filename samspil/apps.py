from django.apps import AppConfig


class SamspilConfig(AppConfig):
    """The project itself, as an app only for its system checks (samspil/checks.py)."""

    name = "samspil"
    verbose_name = "Samspil"

    def ready(self):
        from . import checks  # noqa: F401 (registers the checks)
