"""System checks for the scale-out parts (docs/scaleout.md), each switched on by one variable:
REDIS_URL (cache and rate limits), RQ_URL (tasks on RQ workers) and S3_BUCKET (media on
S3-compatible storage). A part that is half configured is an error that names what is missing;
``check --deploy`` also asks each configured Redis for a PING.
"""

import os
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

REDIS_SCHEMES = {"redis", "rediss", "unix"}
RQ_BACKEND = "django_tasks_rq.RQBackend"


def _env(name: str) -> str:
    return os.environ.get(name, "").strip()


def _redis_url_errors(name: str, url: str, check_id: str) -> list:
    if not url:
        return []
    parts = urlsplit(url)
    if parts.scheme not in REDIS_SCHEMES or (parts.scheme != "unix" and not parts.hostname):
        return [
            Error(
                f"{name} er ikke en Redis-adresse: {url!r}.",
                hint=f"Skriv {name}=redis://vært:6379/0 (rediss:// med TLS).",
                id=check_id,
            )
        ]
    return []


@register(Tags.caches)
def check_redis(app_configs=None, **kwargs) -> list:
    return _redis_url_errors("REDIS_URL", settings.REDIS_URL, "samspil.E001")


@register(Tags.compatibility)
def check_rq(app_configs=None, **kwargs) -> list:
    problems = _redis_url_errors("RQ_URL", settings.RQ_URL, "samspil.E002")
    backend = settings.TASKS["default"]["BACKEND"]
    if backend == RQ_BACKEND and not settings.RQ_URL:
        problems.append(
            Error(
                "TASKS_BACKEND vælger RQ, men RQ_URL er ikke sat: opgaverne ville gå til en "
                "Redis, ingen har valgt.",
                hint="Sæt RQ_URL=redis://vært:6379/1 (og fjern TASKS_BACKEND: RQ_URL alene "
                "slår RQ til).",
                id="samspil.E003",
            )
        )
    elif settings.RQ_URL and backend != RQ_BACKEND:
        problems.append(
            Warning(
                f"RQ_URL er sat, men TASKS_BACKEND={backend!r} vælger en anden opgavekø: "
                "RQ-workerne får intet at lave.",
                hint="Fjern TASKS_BACKEND, så RQ_URL slår RQ til.",
                id="samspil.W003",
            )
        )
    return problems


@register(Tags.compatibility)
def check_s3(app_configs=None, **kwargs) -> list:
    problems = []
    bucket = settings.S3_BUCKET
    s3_only = [
        name
        for name in ("AWS_S3_ENDPOINT_URL", "S3_CUSTOM_DOMAIN", "AWS_S3_REGION_NAME")
        if _env(name)
    ]
    if not bucket:
        if s3_only:
            problems.append(
                Error(
                    f"{', '.join(s3_only)} er sat, men S3_BUCKET er ikke: filerne ligger stadig "
                    "på den lokale disk.",
                    hint="Sæt S3_BUCKET til spandens navn, eller fjern de andre S3-variable.",
                    id="samspil.E010",
                )
            )
        return problems
    if bool(_env("AWS_ACCESS_KEY_ID")) != bool(_env("AWS_SECRET_ACCESS_KEY")):
        missing = "AWS_SECRET_ACCESS_KEY" if _env("AWS_ACCESS_KEY_ID") else "AWS_ACCESS_KEY_ID"
        problems.append(
            Error(
                f"S3_BUCKET er sat, og halvdelen af nøgleparret: {missing} mangler.",
                hint="Sæt både AWS_ACCESS_KEY_ID og AWS_SECRET_ACCESS_KEY (eller ingen af dem, "
                "når maskinen har en rolle eller en profil).",
                id="samspil.E011",
            )
        )
    endpoint = settings.AWS_S3_ENDPOINT_URL
    if endpoint and urlsplit(endpoint).scheme not in {"http", "https"}:
        problems.append(
            Error(
                f"AWS_S3_ENDPOINT_URL er ikke en http(s)-adresse: {endpoint!r}.",
                hint="Fx AWS_S3_ENDPOINT_URL=https://s3.kommune.example",
                id="samspil.E012",
            )
        )
    if settings.PRIVATE_FILES_SERVE in ("x-accel-redirect", "x-sendfile"):
        problems.append(
            Error(
                f"PRIVATE_FILES_SERVE={settings.PRIVATE_FILES_SERVE!r} sender private filer fra "
                "den lokale disk, men med S3_BUCKET ligger de i spanden.",
                hint='Brug "redirect" (standard med S3) eller "stream".',
                id="samspil.E013",
            )
        )
    if not 1 <= settings.S3_SIGNED_URL_SECONDS <= 3600:
        problems.append(
            Error(
                f"S3_SIGNED_URL_SECONDS={settings.S3_SIGNED_URL_SECONDS}: en signeret adresse "
                "til en privat fil skal leve mellem 1 sekund og en time.",
                hint="Standarden er 60 sekunder.",
                id="samspil.E014",
            )
        )
    return problems


@register(Tags.caches, deploy=True)
def check_redis_reachable(app_configs=None, **kwargs) -> list:
    """On ``check --deploy``: each configured Redis answers a PING within two seconds."""
    import redis

    problems = []
    for name, url in (("REDIS_URL", settings.REDIS_URL), ("RQ_URL", settings.RQ_URL)):
        if not url or _redis_url_errors(name, url, ""):
            continue
        try:
            redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
        except redis.RedisError as error:
            problems.append(
                Error(
                    f"{name} svarer ikke: {error}.",
                    hint="Er Redis startet, og når web-processen den?",
                    id="samspil.E020",
                )
            )
    return problems


@register(Tags.security, deploy=True)
def check_s3_transport(app_configs=None, **kwargs) -> list:
    endpoint = settings.AWS_S3_ENDPOINT_URL if settings.S3_BUCKET else None
    if endpoint and urlsplit(endpoint).scheme == "http":
        return [
            Warning(
                "AWS_S3_ENDPOINT_URL bruger http://: filerne og de signerede adresser går "
                "ukrypteret over nettet.",
                hint="Brug https:// til S3-tjenesten.",
                id="samspil.W010",
            )
        ]
    return []
