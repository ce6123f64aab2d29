"""One process of the shared rate-limit test: count hits against one limit, print the outcome.

Run as ``python -m tests.security.ratelimit_worker SCOPE LIMIT HITS START`` with the database or
Redis chosen by DATABASE_URL / REDIS_URL, as a web process would be. It waits until the clock
reads START (seconds since the epoch) so that the processes count at the same moment.
"""

import json
import os
import sys
import time

import django


def main() -> None:
    scope, limit, hits, start = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samspil.settings.test")
    django.setup()
    from access.ratelimit import over_limit

    over_limit(f"{scope}:warm-up", "connect", limit, 60)  # open the connection before the race
    time.sleep(max(0.0, start - time.time()))
    refused = sum(over_limit(scope, "198.51.100.7", limit, 600) for _ in range(hits))
    sys.stdout.write(json.dumps({"allowed": hits - refused, "refused": refused}) + "\n")


if __name__ == "__main__":
    main()
