"""Emails on a developer's machine (the embedded defaults): one line each, the rest in a file.

Printing whole messages (a text part, an HTML part, headers) buried the one thing a
developer looks for, the confirmation or sign-in link. Each email is written whole to
``var/emails/`` and the terminal gets one line: to whom, the subject, the first link
to the site, and the file. Only used when ``EMAIL_URL`` is not set; never in production
(the settings refuse it with ``DEBUG`` off).
"""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage
from django.utils import timezone

_LINK = re.compile(r"https?://\S+")


class SummaryBackend(BaseEmailBackend):
    _lock = threading.Lock()

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        folder = Path(settings.EMAIL_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            with self._lock:
                stamp = timezone.now().strftime("%Y%m%d-%H%M%S-%f")
                path = folder / f"{stamp}.eml"
                path.write_bytes(message.message().as_bytes())
            links = [u for u in _LINK.findall(str(message.body)) if u.startswith(settings.SITE_URL)]
            line = f"email to {', '.join(message.to)}: {message.subject!r}"
            if links:
                line += f" {links[0]}"
            print(f"{line} (whole message: {path})", file=sys.stdout, flush=True)
            sent += 1
        return sent
