"""Real Redis (db 3 for caches, db 10 for RQ's queues unless TEST_SCALEOUT_* say otherwise) and
moto's S3 server on 127.0.0.1, started here: never a real AWS."""

import logging
import os
import uuid

import pytest

from tests.dialog.conftest import outsider, relative_a  # noqa: F401 (the S3 tests)
from tests.outbox.conftest import esp  # noqa: F401 (the fake Postmark, for the RQ tests)

CACHE_REDIS_URL = os.environ.get("TEST_SCALEOUT_REDIS_URL", "redis://127.0.0.1:6379/3")
RQ_REDIS_URL = os.environ.get("TEST_SCALEOUT_RQ_URL", "redis://127.0.0.1:6379/10")
MOTO_PORT = int(os.environ.get("TEST_SCALEOUT_MOTO_PORT", "18510"))
BUCKET = "samspil-media-test"
REGION = "eu-north-1"


@pytest.fixture
def redis_caches(settings):
    """Both caches on the real Redis, under a prefix of this test's own."""
    prefix = f"samspil-test-{uuid.uuid4().hex[:12]}"
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "samspil.cache.RedisCache",
            "LOCATION": CACHE_REDIS_URL,
            "KEY_PREFIX": f"{prefix}-c",
        },
        "shared": {
            "BACKEND": "samspil.cache.RedisCache",
            "LOCATION": CACHE_REDIS_URL,
            "KEY_PREFIX": prefix,
        },
    }
    from django.core.cache import caches

    yield prefix
    for alias in ("default", "shared"):
        caches[alias].clear()


@pytest.fixture(scope="session")
def moto_server():
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=MOTO_PORT, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{MOTO_PORT}"
    server.stop()


@pytest.fixture
def s3(settings, moto_server, monkeypatch):
    """Media on moto's S3 as S3_BUCKET would configure it, in a fresh bucket per test."""
    import boto3

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "moto-test-key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "moto-test-secret")
    client = boto3.client("s3", endpoint_url=moto_server, region_name=REGION)
    bucket = f"{BUCKET}-{uuid.uuid4().hex[:8]}"
    client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    settings.S3_BUCKET = settings.AWS_STORAGE_BUCKET_NAME = bucket
    settings.AWS_S3_ENDPOINT_URL = moto_server
    settings.AWS_S3_REGION_NAME = REGION
    settings.AWS_S3_CUSTOM_DOMAIN = None
    settings.S3_PUBLIC_ACL = "public-read"
    settings.S3_SIGNED_URL_SECONDS = 60
    settings.PRIVATE_FILES_SERVE = "redirect"
    settings.MEDIA_URL = f"{moto_server}/{bucket}/"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "access.s3.SamspilS3Storage"}}
    client.bucket = bucket
    return client
