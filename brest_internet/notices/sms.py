"""Sending an SMS: one small interface, a console backend (a laptop, the demo) and Brevo's
transactional SMS API.

`SMS_BACKEND` names the backend class. A backend's `send(to=..., text=...)` returns the
provider's message id, or raises `SmsError` (the sender retries later with back-off).
"""

from __future__ import annotations

import json
import logging
import sys
import urllib.error
import urllib.request
import uuid

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)


class SmsError(Exception):
    """The provider refused the message or could not be reached."""


def international(number: str) -> str:
    """A French number as the providers want it: "06 12 34 56 78" → "33612345678"."""
    digits = "".join(ch for ch in number if ch.isdigit())
    if number.strip().startswith("+"):
        return digits
    if digits.startswith("00"):
        return digits[2:]
    if digits.startswith("0") and len(digits) == 10:
        return "33" + digits[1:]
    return digits


class ConsoleBackend:
    """Prints the SMS on the console (stdout): nothing leaves the machine."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def send(self, *, to: str, text: str) -> str:
        message_id = f"console-{uuid.uuid4().hex[:12]}"
        self.stream.write(f"SMS to {international(to)} ({message_id}):\n{text}\n\n")
        self.stream.flush()
        return message_id


class BrevoBackend:
    """Brevo's transactional SMS: POST {base}/v3/transactionalSMS/sms with the `api-key`
    header; the base URL is a setting so that tests point it at a local stand-in."""

    def __init__(self):
        self.api_key = settings.BREVO_API_KEY
        self.base_url = settings.BREVO_API_URL.rstrip("/")
        self.sender = settings.SMS_SENDER
        self.timeout = settings.SMS_TIMEOUT_SECONDS

    def send(self, *, to: str, text: str) -> str:
        if not self.api_key:
            raise SmsError("BREVO_API_KEY is not set")
        payload = {
            "type": "transactional",
            "unicodeEnabled": True,
            "sender": self.sender,
            "recipient": international(to),
            "content": text,
        }
        request = urllib.request.Request(  # noqa: S310 (the URL is our setting, https in production)
            f"{self.base_url}/v3/transactionalSMS/sms",
            data=json.dumps(payload).encode(),
            method="POST",
            headers={
                "api-key": self.api_key,
                "accept": "application/json",
                "content-type": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                body = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            detail = exc.read()[:300].decode(errors="replace")
            raise SmsError(f"Brevo answered {exc.code}: {detail}") from exc
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
            raise SmsError(f"Brevo unreachable: {exc}") from exc
        message_id = body.get("messageId")
        if message_id is None:
            raise SmsError(f"Brevo gave no messageId: {str(body)[:200]}")
        return str(message_id)


def get_backend():
    return import_string(settings.SMS_BACKEND)()
