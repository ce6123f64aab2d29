from django.conf import settings
from django.db import models


class Person(models.Model):
    """What the directory or the MitID broker knows of a user beyond Django's fields."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    cpr = models.CharField(max_length=11, blank=True)

    class Meta:
        app_label = "oidc_provider_test"

    def __str__(self) -> str:
        return self.user.username
