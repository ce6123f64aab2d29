"""Signing key and the two clients (staff and MitID), each with its redirect URI."""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from oidc_provider.models import Client, ResponseType, RSAKey


class Command(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument(
            "--client",
            nargs=4,
            action="append",
            default=[],
            metavar=("ID", "SECRET", "REDIRECT_URI", "SCOPES"),
        )

    def handle(self, *args, **options):
        if not RSAKey.objects.exists():
            call_command("creatersakey")
        code = ResponseType.objects.get(value="code")
        for client_id, secret, redirect_uri, scopes in options["client"]:
            client, _created = Client.objects.update_or_create(
                client_id=client_id,
                defaults={
                    "name": client_id,
                    "client_type": "confidential",
                    "client_secret": secret,
                    "jwt_alg": "RS256",
                    "require_consent": False,
                    "reuse_consent": True,
                },
            )
            client.redirect_uris = [redirect_uri]
            client.scope = scopes.split()
            client.save()
            client.response_types.set([code])
