from django.apps import AppConfig


class ProviderTestConfig(AppConfig):
    name = "tests.oidc_provider"
    label = "oidc_provider_test"
    default_auto_field = "django.db.models.AutoField"
