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


def _emit_through_configured_logging(settings_logging, emit) -> str:
    """Apply the project's LOGGING to a stream and return what it wrote."""
    import io
    import logging.config

    stream = io.StringIO()
    config = {
        **settings_logging,
        "handlers": {
            name: {**handler, "class": "logging.StreamHandler", "stream": stream}
            for name, handler in settings_logging["handlers"].items()
        },
    }
    saved = logging.root.handlers[:], logging.getLogger("django").handlers[:]
    logging.config.dictConfig(config)
    try:
        emit()
    finally:
        from django.conf import settings

        logging.config.dictConfig(settings.LOGGING)
        logging.root.handlers[:] = saved[0]
        logging.getLogger("django").handlers[:] = saved[1]
    return stream.getvalue()


def test_arguments_exceptions_tracebacks_stacks_and_extras_are_redacted(settings):
    def emit():
        log = logging.getLogger("jobletters.tests")
        try:
            raise ValueError("duplicate key value (email)=(owner@example.com) from 192.0.2.44")
        except ValueError:
            log.exception("could not save %s", "owner@example.com", extra={"client": "192.0.2.44"})
        log.warning("token %s", "t" * 40, stack_info=True)

    out = _emit_through_configured_logging(settings.LOGGING, emit)
    assert "Traceback" in out and "ValueError: duplicate key value (email)=([email])" in out
    assert "owner@example.com" not in out
    assert "192.0.2.44" not in out
    assert "t" * 40 not in out
    assert "Stack (most recent call last)" in out


def test_django_request_errors_are_written_once_and_redacted_even_with_debug_on(settings, capsys):
    from django.utils.log import DEFAULT_LOGGING

    def emit():
        logging.getLogger("django.request").error(
            "Internal Server Error: /accounts/confirm-email/%s/ for %s",
            "Mzo1:secret",
            "a@b.example",
        )

    # Django installs its own console handler on "django" when DEBUG is on; ours replaces it.
    import logging.config

    settings.DEBUG = True
    logging.config.dictConfig(DEFAULT_LOGGING)
    out = _emit_through_configured_logging(settings.LOGGING, emit)
    out += capsys.readouterr().err  # where Django's own DEBUG handler would write
    lines = [line for line in out.splitlines() if "Internal Server Error" in line]
    assert len(lines) == 1
    assert "Mzo1:secret" not in lines[0] and "a@b.example" not in lines[0]


def test_task_ids_stay_visible_so_work_can_be_followed():
    line = "Task jobletters.tasks.run_outbox_entry[1d4018f9-7c90-4d66-9097-ad919362c70c] received"
    assert redact(line) == line


def test_signed_query_strings_are_redacted():
    assert "abc123" not in redact("GET /x?X-Amz-Signature=abc123&y=1")


def test_task_lines_keep_name_id_and_outcome_and_drop_the_arguments(settings):
    """Celery passes each task line's context, arguments included, as an extra."""
    argument = "plain-argument-value-7"

    records = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record)

    def emit():
        log = logging.getLogger("celery.app.trace")
        keep = Keep()  # added after the configuration, which resets child loggers
        keep.addFilter(RedactPersonalData())
        log.addHandler(keep)
        context = {
            "id": "3f1c2a9e-5b7d-4c1e-9a2b-6d8e0f1a2b3c",
            "name": "jobletters.tasks.run_outbox_entry",
            "return_value": "'done'",
            "runtime": 0.01,
            "args": repr([argument]),
            "kwargs": repr({"note": argument}),
        }
        log.info(
            "Task %(name)s[%(id)s] succeeded in %(runtime)ss: %(return_value)s",
            context,
            extra={"data": context},
        )
        log.removeHandler(keep)

    out = _emit_through_configured_logging(settings.LOGGING, emit)
    assert (
        "Task jobletters.tasks.run_outbox_entry[3f1c2a9e-5b7d-4c1e-9a2b-6d8e0f1a2b3c] "
        "succeeded in 0.01s: 'done'"
    ) in out
    assert argument not in out
    (record,) = records
    assert argument not in repr(record.__dict__)  # no handler can print them
    assert "jobletters.tasks.run_outbox_entry" in record.data


@pytest.mark.parametrize(
    "line",
    [
        "GET /accounts/login/?next=/privacy/export/2/download/ 302",
        "GET /accounts/login/?next=%2Fprivacy%2Fexport%2F2%2Fdownload%2F 302",
        "GET /accounts/reauthenticate/?next=%2fp%2fAbCdEf%2f 200",
    ],
)
def test_ids_and_tokens_inside_a_query_string_are_redacted(line):
    redacted = redact(line)
    assert "/2/" not in redacted and "AbCdEf" not in redacted
    assert "[redacted]" in redacted
