"""Several messages in one request, where the ESP has a batch API: Postmark's ``email/batch``
(up to 500 distinct messages per call, answered in order, one result per message).

anymail itself sends to ``email/batch`` only for one message with merge data (the same body
for every recipient); every outbox mail has its own links, so each message here is built by
anymail's own Postmark payload (``build_message_payload``: addresses, headers, bodies, as for
a single send), the payloads go out in one POST through the backend's session
(``post_to_esp``: its timeout and error wrapping), and each message's answer is read by the
backend's own ``parse_recipient_status`` and ``raise_for_recipient_status``. So a batch gives
each message the outcome a single send would have given it: an answer about one recipient
fails that message alone; an answer about the request (401, 5xx, a timeout) is every
message's.

Any other backend (SMTP, the console, locmem in tests) sends one message at a time:
``batch_size()`` is 1 and ``send_batch`` calls ``message.send()``.
"""

import json
from dataclasses import dataclass
from urllib.parse import urljoin

from .conf import setting

POSTMARK_BATCH_MAX = 500  # Postmark's limit per email/batch call


@dataclass
class Outcome:
    """One message's result: the ESP's id when it accepted it, else the error."""

    esp_id: str = ""
    error: BaseException | None = None


class NotSent(Exception):
    """anymail sent nothing and raised nothing (a pre_send handler cancelled it, or it had
    no recipient)."""


def _postmark(connection):
    try:
        from anymail.backends.postmark import EmailBackend
    except ImportError:  # pragma: no cover - anymail is a dependency
        return None
    if isinstance(connection, EmailBackend) and not connection.use_bulk_api:
        return connection
    return None


def batch_size(connection) -> int:
    """How many messages one request may carry on this connection (1: no batch API)."""
    if _postmark(connection) is None:
        return 1
    return max(1, min(int(setting("SEND_BATCH")), POSTMARK_BATCH_MAX))


def _esp_id(message) -> str:
    status = getattr(message, "anymail_status", None)
    return str(getattr(status, "message_id", None) or "")


def send_one(message) -> Outcome:
    try:
        if not message.send():
            return Outcome(error=NotSent("Mailen blev ikke sendt (annulleret før afsendelse)."))
    except Exception as error:
        return Outcome(error=error)
    return Outcome(esp_id=_esp_id(message))


def send_batch(connection, messages: list) -> list[Outcome]:
    """Send ``messages`` (each with ``connection`` as its connection); one Outcome each, in
    order. Raises nothing but what stops the process (KeyboardInterrupt, SystemExit)."""
    backend = _postmark(connection)
    if backend is None or backend.session is None or len(messages) == 1:
        return [send_one(message) for message in messages]
    return _PostmarkBatch(backend, messages).send()


class _ItemResponse:
    """One message's part of a batch answer, shaped as the requests.Response anymail's
    Postmark backend reads for a single send (a refused message is what the single endpoint
    answers with 422)."""

    def __init__(self, response, item):
        self._response = response
        self._item = item
        failed = isinstance(item, dict) and item.get("ErrorCode", 0) != 0
        self.status_code = 422 if failed else response.status_code
        self.reason = "Unprocessable Entity" if failed else response.reason
        self.headers = response.headers
        self.request = response.request
        self.url = response.url

    def json(self):
        return self._item

    @property
    def text(self) -> str:
        return json.dumps(self._item)


class _BatchPayload:
    """What ``post_to_esp`` asks of a payload: the request for every message at once."""

    def __init__(self, first, payloads):
        self.first = first
        self.payloads = payloads

    def get_request_params(self, api_url):
        params = self.first.get_request_params(api_url)
        params["url"] = urljoin(api_url, "email/batch")
        params["data"] = self.first.serialize_json([payload.data for payload in self.payloads])
        return params


class _PostmarkBatch:
    def __init__(self, backend, messages):
        self.backend = backend
        self.messages = messages
        self.outcomes: list[Outcome | None] = [None] * len(messages)

    def _payloads(self) -> list[tuple[int, object]]:
        from anymail.message import AnymailStatus

        backend = self.backend
        entries = []
        for index, message in enumerate(self.messages):
            try:
                message.anymail_status = AnymailStatus()
                if not backend.run_pre_send(message) or not message.recipients():
                    self.outcomes[index] = Outcome(
                        error=NotSent("Mailen blev ikke sendt (annulleret før afsendelse).")
                    )
                    continue
                payload = backend.build_message_payload(message, backend.send_defaults)
                alone = (
                    payload.get_api_endpoint() != "email"  # a template or merge send
                    or payload.server_token != backend.server_token
                )
            except Exception as error:  # this message cannot be built: its problem alone
                self.outcomes[index] = Outcome(error=error)
                continue
            if alone:
                self.outcomes[index] = send_one(message)
            else:
                entries.append((index, payload))
        return entries

    def send(self) -> list[Outcome]:
        entries = self._payloads()
        if len(entries) == 1:
            (index, _payload), *_ = entries
            self.outcomes[index] = send_one(self.messages[index])
        elif entries:
            self._post(entries)
        return self.outcomes

    def _everyone(self, entries, error: BaseException) -> None:
        for index, _payload in entries:
            self.outcomes[index] = Outcome(error=error)

    def _post(self, entries) -> None:
        backend = self.backend
        first_index, first = entries[0]
        first_message = self.messages[first_index]
        batch = _BatchPayload(first, [payload for _index, payload in entries])
        try:
            response = backend.post_to_esp(batch, first_message)
            answers = backend.deserialize_json_response(response, first, first_message)
            if (
                response.status_code != 200
                or not isinstance(answers, list)
                or len(answers) != len(entries)
            ):
                # One answer for the whole request (Postmark's 422 for the account, say):
                # anymail reads it as for a single send and raises its error.
                backend.parse_recipient_status(response, first, first_message)
                from anymail.exceptions import AnymailRequestsAPIError

                raise AnymailRequestsAPIError(
                    "Unexpected Postmark batch response",
                    email_message=first_message,
                    payload=first,
                    response=response,
                    backend=backend,
                )
        except Exception as error:  # about the request: every message's outcome
            self._everyone(entries, error)
            return
        for (index, payload), answer in zip(entries, answers, strict=True):
            message = self.messages[index]
            part = _ItemResponse(response, answer)
            try:
                message.anymail_status.esp_response = part
                status = backend.parse_recipient_status(part, payload, message)
                message.anymail_status.set_recipient_status(status)
                backend.run_post_send(message)
                backend.raise_for_recipient_status(message.anymail_status, part, payload, message)
            except Exception as error:
                self.outcomes[index] = Outcome(error=error)
            else:
                self.outcomes[index] = Outcome(esp_id=_esp_id(message))
