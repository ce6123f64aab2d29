"""Each scale-out part is switched on by its one variable in the production settings, `check
--deploy` is clean when it is set up, and a half-configured part is reported by name."""

import json

from tests.security.test_deploy import production

from .conftest import CACHE_REDIS_URL, RQ_REDIS_URL

SHOW = (
    "import json; from django.conf import settings as s;"
    "print(json.dumps({'default': s.CACHES['default']['BACKEND'],"
    " 'shared': s.CACHES['shared']['BACKEND'], 'tasks': s.TASKS['default']['BACKEND'],"
    " 'storage': s.STORAGES['default']['BACKEND'], 'private': s.PRIVATE_FILES_SERVE,"
    " 'media': s.MEDIA_URL, 'rq': 'django_rq' in s.INSTALLED_APPS}))"
)
CLEAN = {"REDIS_URL": "", "RQ_URL": "", "S3_BUCKET": "", "AWS_S3_ENDPOINT_URL": ""}


def shown(**env) -> dict:
    result = production("shell", "-c", SHOW, **{**CLEAN, **env})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_embedded_default_and_each_switch():
    assert shown() == {
        "default": "django.core.cache.backends.locmem.LocMemCache",
        "shared": "samspil.cache.DatabaseCache",
        "tasks": "django_tasks_db.DatabaseBackend",
        "storage": "access.files.SamspilStorage",
        "private": "stream",
        "media": "/media/",
        "rq": False,
    }
    assert shown(
        REDIS_URL=CACHE_REDIS_URL,
        RQ_URL=RQ_REDIS_URL,
        S3_BUCKET="samspil-media",
        AWS_S3_ENDPOINT_URL="https://s3.kommune.example",
    ) == {
        "default": "samspil.cache.RedisCache",
        "shared": "samspil.cache.RedisCache",
        "tasks": "django_tasks_rq.RQBackend",
        "storage": "access.s3.SamspilS3Storage",
        "private": "redirect",
        "media": "https://s3.kommune.example/samspil-media/",
        "rq": True,
    }


def test_deploy_check_is_clean_with_everything_switched_on():
    result = production(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        REDIS_URL=CACHE_REDIS_URL,
        RQ_URL=RQ_REDIS_URL,
        S3_BUCKET="samspil-media",
        AWS_S3_ENDPOINT_URL="https://s3.kommune.example",
        AWS_ACCESS_KEY_ID="key",
        AWS_SECRET_ACCESS_KEY="secret",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_half_configured_parts_are_reported():
    result = production(
        "check",
        "--deploy",
        **{
            **CLEAN,
            "TASKS_BACKEND": "django_tasks_rq.RQBackend",  # RQ chosen, no RQ_URL
            "AWS_S3_ENDPOINT_URL": "https://s3.kommune.example",  # no S3_BUCKET
            "REDIS_URL": "redis://127.0.0.1:18599/3",  # nothing listens there
        },
    )
    out = result.stdout + result.stderr
    assert result.returncode != 0
    assert "samspil.E003" in out and "RQ_URL er ikke sat" in out
    assert "samspil.E010" in out and "S3_BUCKET er ikke" in out
    assert "samspil.E020" in out and "REDIS_URL svarer ikke" in out


def test_a_half_key_pair_and_wrong_addresses_are_reported():
    result = production(
        "check",
        **{
            **CLEAN,
            "S3_BUCKET": "samspil-media",
            "AWS_ACCESS_KEY_ID": "key",
            "AWS_SECRET_ACCESS_KEY": "",
            "PRIVATE_FILES_SERVE": "x-accel-redirect",
            "REDIS_URL": "http://127.0.0.1:6379/3",
        },
    )
    out = result.stdout + result.stderr
    assert result.returncode != 0
    assert "samspil.E011" in out and "AWS_SECRET_ACCESS_KEY mangler" in out
    assert "samspil.E013" in out
    assert "samspil.E001" in out and "REDIS_URL er ikke en Redis-adresse" in out
