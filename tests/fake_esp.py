"""A stand-in for Postmark's HTTP API on 127.0.0.1, for the mail fault tests and
bench/mail.py: anymail's real Postmark backend talks to it as to Postmark.

It keeps HTTP/1.1 connections alive (as Postmark does), counts the TCP connections it
accepts and the messages it accepts per recipient, and can be told to misbehave: answer
slowly (``delay`` seconds per message, in a batch too), answer an HTTP error for a while
(401, 422, 500…), or hang past the client's timeout. A message counts as delivered only
when it is answered 200 (or has ErrorCode 0 in a batch's answer), as at a real ESP.
"""

import json
import sys
import threading
import time
import uuid
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ERRORS = {
    401: {
        "ErrorCode": 10,
        "Message": "The Server Token you provided in the X-Postmark-Server-Token request "
        "header was invalid.",
    },
    422: {"ErrorCode": 412, "Message": "Your account is pending approval."},
    429: {"ErrorCode": 429, "Message": "Rate limit exceeded."},
    500: {"ErrorCode": 500, "Message": "Internal server error."},
    503: {"ErrorCode": 503, "Message": "Service unavailable."},
}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def get_request(self):
        request = super().get_request()
        with self.esp.lock:
            self.esp.connections += 1
        return request

    def handle_error(self, request, client_address):
        """A sender killed mid-request resets its connection: expected here, not news."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as Postmark
    # Headers and body go out in two writes: without TCP_NODELAY, Nagle's algorithm and
    # the client's delayed ACK hold every answer back ~40 ms.
    disable_nagle_algorithm = True

    def log_message(self, *args):  # quiet
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        payload = json.loads(self.rfile.read(length) or b"{}")
        status, body = self.server.esp.answer(self.path, payload)
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class FakePostmark:
    def __init__(self, *, delay: float = 0.0, keep_messages: bool = False):
        self.lock = threading.Lock()
        self.delay = delay
        self.keep_messages = keep_messages
        self.messages: list[dict] = []
        self.deliveries: Counter = Counter()
        self.connections = 0
        self.requests = 0
        self.paths: Counter = Counter()  # requests per API path ("/email", "/email/batch")
        self.batches: list[int] = []  # messages per email/batch request
        self.first_at = self.last_at = 0.0  # time.monotonic() of the first and last delivery
        self.inactive: set[str] = set()
        self._error: int | None = None
        self._error_until = 0.0
        self._hang = 0.0
        self._hang_until = 0.0
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.esp = self
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # Life

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    def start(self) -> "FakePostmark":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # Faults

    def fail(self, status: int, seconds: float = 3600.0) -> None:
        """Answer every request with ``status`` for ``seconds`` from now."""
        with self.lock:
            self._error, self._error_until = status, time.monotonic() + seconds

    def hang(self, seconds: float, for_seconds: float = 3600.0) -> None:
        """Sleep ``seconds`` before answering 503, for ``for_seconds`` from now (a client
        with a shorter timeout has given up by then)."""
        with self.lock:
            self._hang, self._hang_until = seconds, time.monotonic() + for_seconds

    def reset(self) -> None:
        """Forget what was delivered and counted (between benchmark runs)."""
        with self.lock:
            self.deliveries.clear()
            self.messages.clear()
            self.connections = self.requests = 0
            self.paths.clear()
            self.batches.clear()
            self.first_at = self.last_at = 0.0
            self._error_until = self._hang_until = 0.0

    def heal(self) -> None:
        with self.lock:
            self._error_until = self._hang_until = 0.0

    # Counts

    @property
    def delivered(self) -> int:
        with self.lock:
            return sum(self.deliveries.values())

    def wait_for(self, deliveries: int, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while self.delivered < deliveries:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.delivered} of {deliveries} deliveries")
            time.sleep(0.005)

    # The API

    def answer(self, path: str, payload) -> tuple[int, object]:
        now = time.monotonic()
        with self.lock:
            self.requests += 1
            self.paths[path.rstrip("/")] += 1
            error = self._error if now < self._error_until else None
            hang = self._hang if now < self._hang_until else 0.0
        if hang:
            time.sleep(hang)
            return 503, ERRORS[503]
        if error:
            return error, ERRORS.get(error, ERRORS[500])
        batch = path.rstrip("/").endswith("/email/batch")
        if self.delay:  # per message: a batch is no quicker per message than single sends
            time.sleep(self.delay * (len(payload) if batch else 1))
        if batch:
            with self.lock:
                self.batches.append(len(payload))
            return 200, [self._accept(message) for message in payload]
        result = self._accept(payload)
        return (200 if result["ErrorCode"] == 0 else 422), result

    def _accept(self, message: dict) -> dict:
        to = message.get("To", "")
        address = to.rsplit("<", 1)[-1].strip("> ").lower()
        if address in self.inactive:
            return {
                "ErrorCode": 406,
                "Message": "You tried to send to a recipient that has been marked as "
                f"inactive.\nFound inactive addresses: {address}.\nInactive recipients are "
                "ones that have generated a hard bounce or a spam complaint.",
            }
        with self.lock:
            self.last_at = time.monotonic()
            self.first_at = self.first_at or self.last_at
            self.deliveries[address] += 1
            if self.keep_messages:
                self.messages.append(message)
        return {
            "To": to,
            "SubmittedAt": "2026-12-01T10:00:00.0000000-05:00",
            "MessageID": str(uuid.uuid4()),
            "ErrorCode": 0,
            "Message": "OK",
        }
