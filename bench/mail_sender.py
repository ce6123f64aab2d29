"""One sender process for bench/mail.py: ``manage.py send_digests``, then its own peak RSS
on stderr as ``peak_rss_kb=N``. Read from /proc/self/status (VmHWM, the high-water mark of
this program's memory): on Linux, resource.getrusage's ru_maxrss of a process started by
fork and exec also counts the parent's pages it held between the two, so every sender
would report the benchmark's own size."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from django.core.management import execute_from_command_line


def peak_rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


try:
    execute_from_command_line(["manage.py", "send_digests"])
finally:
    print(f"peak_rss_kb={peak_rss_kb()}", file=sys.stderr)
