"""Production settings plus the framework floor's URL (bench/urls.py), for bench/pagecache.py."""

from samspil.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
