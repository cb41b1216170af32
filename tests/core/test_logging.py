"""Logs never carry emails, IP addresses or tokens (policy §4)."""

import logging

import pytest

from jobletters.logging import RedactPersonalData, redact


@pytest.mark.parametrize(
    ("line", "secret"),
    [
        ("login failed for seeker@example.com", "seeker@example.com"),
        ("request from 203.0.113.7", "203.0.113.7"),
        ("request from 2001:db8:85a3::8a2e:370:7334", "2001:db8:85a3::8a2e:370:7334"),
        ('"GET /accounts/confirm-email/MQ:1tXyZ:abc/ HTTP/1.1" 200', "MQ:1tXyZ:abc"),
        ('"GET /accounts/password/reset/key/1-set-password/ HTTP/1.1"', "1-set-password"),
        ('"GET /p/packet-token-123/ HTTP/1.1" 200', "packet-token-123"),
        ("token=" + "a" * 40, "a" * 40),
    ],
)
def test_redact_removes_personal_data_and_secrets(line, secret):
    assert secret not in redact(line)


def test_redact_keeps_ordinary_messages():
    assert redact("email sent kind=account/email/x recipients=1") == (
        "email sent kind=account/email/x recipients=1"
    )
    assert redact("task finished in 12:30:45") == "task finished in 12:30:45"


def test_filter_rewrites_records_with_arguments():
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "user %s from %s", ("a@b.example", "10.0.0.1"), None
    )
    RedactPersonalData().filter(record)
    assert record.getMessage() == "user [email] from [ip]"


def test_every_configured_handler_redacts(settings):
    handlers = settings.LOGGING["handlers"]
    assert handlers
    assert all("redact" in handler.get("filters", []) for handler in handlers.values())


@pytest.mark.django_db
def test_sign_up_and_login_log_nothing_personal(client, caplog):
    caplog.set_level("DEBUG")
    password = "a-long-and-unusual-passphrase"
    client.post(
        "/accounts/signup/",
        {"email": "private@example.com", "password1": password, "password2": password},
    )
    client.post("/accounts/login/", {"login": "private@example.com", "password": password})
    redactor = RedactPersonalData()
    for record in caplog.records:
        if record.levelno >= logging.INFO:
            redactor.filter(record)
            assert "private@example.com" not in record.getMessage()
            assert "127.0.0.1" not in record.getMessage()
