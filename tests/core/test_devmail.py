"""`make run` (no EMAIL_URL): one line per email in the terminal, the whole message in a file."""

from __future__ import annotations

import subprocess
import sys
from email import message_from_bytes
from pathlib import Path

from django.core.mail import EmailMultiAlternatives, get_connection

ROOT = Path(__file__).resolve().parents[2]


def test_an_email_is_one_line_with_its_link_and_a_file_with_all_of_it(settings, tmp_path, capsys):
    settings.EMAIL_FILE_PATH = tmp_path / "emails"
    link = f"{settings.SITE_URL}/accounts/confirm-email/MQ:abc/"
    message = EmailMultiAlternatives(
        subject="Confirm your email address",
        body=f"Hello,\n\nOpen {link} to confirm.\n\nhttps://elsewhere.example/ is not ours.",
        to=["sam@example.com"],
    )
    message.attach_alternative(f'<p><a href="{link}">Confirm</a></p>', "text/html")

    backend = get_connection("jobletters.lib.devmail.SummaryBackend")
    assert backend.send_messages([message]) == 1

    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    assert "sam@example.com" in lines[0] and "'Confirm your email address'" in lines[0]
    assert link in lines[0] and "elsewhere.example" not in lines[0]
    [saved] = (tmp_path / "emails").glob("*.eml")
    assert str(saved) in lines[0]
    whole = message_from_bytes(saved.read_bytes())
    assert whole["Subject"] == "Confirm your email address" and whole.is_multipart()


def test_the_embedded_defaults_use_it_and_an_email_url_replaces_it():
    def backend(**env: str) -> str:
        code = "from django.conf import settings; print(settings.EMAIL_BACKEND)"
        return subprocess.run(
            [sys.executable, "-c", f"import django; django.setup(); {code}"],
            cwd=ROOT,
            env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings", **env},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()

    assert backend() == "jobletters.lib.devmail.SummaryBackend"
    assert (
        backend(EMAIL_URL="smtp://127.0.0.1:1025") == "django.core.mail.backends.smtp.EmailBackend"
    )
