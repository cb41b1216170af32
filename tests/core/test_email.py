"""Email goes out over real SMTP, in plain text and HTML, through one helper."""

import pytest

from ..utils import run_outbox

pytestmark = pytest.mark.django_db


def test_password_reset_email_arrives_over_smtp_with_text_and_html(client, seeker, smtp_sink):
    client.post("/accounts/password/reset/", {"email": seeker.email})
    run_outbox()
    [message] = smtp_sink.wait_for(1)
    assert message["To"] == seeker.email
    assert message["Subject"].startswith("[Job Letters]")
    assert message["From"].endswith("<no-reply@jobletters.example>")
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "/accounts/password/reset/key/" in text
    assert "Choose a new password" in html
    assert "Job Letters · http://127.0.0.1:8000" in text  # the site as configured


def test_delivery_is_logged_without_the_address(client, seeker, smtp_sink, caplog):
    caplog.set_level("INFO", logger="jobletters.lib.emails")
    client.post("/accounts/password/reset/", {"email": seeker.email})
    run_outbox()
    smtp_sink.wait_for(1)
    [record] = [r for r in caplog.records if r.name == "jobletters.lib.emails"]
    assert "recipients=1" in record.getMessage()
    assert seeker.email not in record.getMessage()
