"""Every duration and limit the privacy policy, the terms or our own pages promise.

Each is a number (an ``int``) that also carries the words it keeps, the code that keeps
it and the tests that show it. They are constants, never read from the environment: a
deployment cannot choose to break a promise. ``privacy.checks`` refuses values that
would break one (``manage.py check``), and docs/architecture.md shows the table
``markdown_table()`` writes, held current by tests/privacy/test_promises.py.

In ``words``, ``{value}`` stands for the number itself, as our pages show it.
Retention periods a single registry declaration owns (its ``personal_data.py``) are
kept by that declaration: /privacy/data/ and the retention job both read it there.
"""

from __future__ import annotations


class Promise(int):
    """A promised number, with the words it keeps, the code keeping it and its tests."""

    words: str
    code: tuple[str, ...]
    tests: tuple[str, ...]

    def __new__(cls, value: int, *, words: str, code: tuple[str, ...], tests: tuple[str, ...]):
        promise = super().__new__(cls, value)
        promise.words, promise.code, promise.tests = words, code, tests
        return promise


# --- Deletion (policy §5, terms §8.1) ------------------------------------------------------

DELETION_GRACE_DAYS = Promise(
    14,
    words="Terms §8.1: “Deletion takes effect after a short grace period during which you can "
    "change your mind, as our Privacy Policy describes.” The deletion page: “Your account is "
    "frozen at once for {value} days […] You can still get a copy of your data, or change your "
    "mind and cancel.”",
    code=(
        "privacy.rights.deletion:request_deletion",
        "privacy.rights.deletion:purge_due_deletions",
    ),
    tests=(
        "tests/privacy/test_s5_deletion.py::test_s5_the_account_is_frozen_during_the_grace_period",
        "tests/privacy/test_s5_deletion.py::test_s5_the_purge_erases_after_the_grace_period",
        "tests/privacy/test_s5_deletion.py::test_s5_cancel_restores_everything",
    ),
)
DELETION_DEADLINE_DAYS = Promise(
    30,
    words="Policy §5: “You can ask for your personal information to be deleted at any time by "
    "deleting your Account […]” The deletion page: “we erase your data within {value} days of "
    "your request at the latest” (the law allows one month at most).",
    code=(
        "privacy.rights.deletion:request_deletion",
        "privacy.rights.deletion:erasure_attempts",
        "privacy.rights.deletion:late_deletions",
        "privacy.checks:deletions_on_time",
    ),
    tests=(
        "tests/privacy/test_s5_deletion.py::test_s5_the_account_is_frozen_during_the_grace_period",
        "tests/privacy/test_s5_deletion.py::test_s5_the_erasure_job_tries_until_the_deadline_then_staff_act",
        "tests/privacy/test_s5_deletion.py::test_s5_a_late_deletion_is_logged_shown_and_reported",
        "tests/privacy/test_s5_deletion.py::test_s5_staff_see_every_request_with_its_due_date",
    ),
)

# --- A copy of your data (policy §7, terms §7) -----------------------------------------------

EXPORT_INTERVAL_HOURS = Promise(
    24,
    words="Policy §7: “On request, we'll provide you with a copy of your personal information "
    "that we maintain.” The export page: “one copy every {value} hours”.",
    code=("privacy.rights.export:next_export_at", "privacy.rights.export:request_export"),
    tests=(
        "tests/privacy/test_s7_export.py::test_s7_one_copy_a_day_and_the_page_says_when",
        "tests/privacy/test_s7_export.py::test_s7_a_failed_copy_does_not_count_towards_the_limit",
    ),
)
EXPORT_EXPIRY_DAYS = Promise(
    7,
    words="Terms §7: “You can see what we hold about you, download a copy of it, and delete "
    "your Account at any time from your account pages.” The export page: “A copy can be "
    "downloaded for {value} days, then the file is deleted.”",
    code=("privacy.rights.export:_build", "privacy.rights.export:expire_exports"),
    tests=(
        "tests/privacy/test_s7_export.py::"
        "test_s7_a_copy_expires_after_seven_days_and_its_file_is_deleted",
    ),
)

# --- Changes to the policy and terms (policy §9, terms §10.2) --------------------------------

POLICY_NOTICE_DAYS = Promise(
    30,
    words="Terms §10.2: “If a change meaningfully reduces your rights, we email you at least "
    "30 days before it takes effect […]”",
    code=(
        "privacy.documents.versions:earliest_effective_at",
        "privacy.documents.versions:publish_version",
    ),
    tests=(
        "tests/privacy/test_s9_versions.py::"
        "test_s9_publishing_a_rights_reducing_version_is_refused_inside_30_days",
        "tests/privacy/test_s9_versions.py::"
        "test_s9_the_admin_form_says_when_a_rights_reducing_version_may_take_effect",
    ),
)

# --- Packets to recruiters (policy §3.1, terms §3.2 and §6) ----------------------------------

PACKET_VALID_DAYS = Promise(
    30,
    words="Policy §3.1: “We will provide your information to recruiters we find may assist "
    "you in that job search.” The send page: “Each recruiter's email links to their own "
    "private page, valid for {value} days”.",
    code=("recruiters.packets:issue_link",),
    tests=(
        "tests/recruiters/test_packets.py::test_a_packet_link_works_for_30_days_and_says_so",
        "tests/recruiters/test_packets.py::test_expired_links_are_gone",
    ),
)
RESEND_AFTER_DAYS = Promise(
    180,
    words="Terms §6: “You may not use the Services to send spam or unsolicited messages, to "
    "harass or mislead Recruiters […]” The matches page: “you can send to them again {value} "
    "days after that.”",
    code=("recruiters.sending:_sent_recently", "recruiters.matching:ranking_statement"),
    tests=(
        "tests/recruiters/test_sending.py::"
        "test_a_recruiter_cannot_be_sent_the_same_packet_twice_within_180_days",
        "tests/recruiters/test_matching.py::"
        "test_recruiters_sent_to_in_the_last_180_days_are_shown_as_such",
    ),
)

# --- Retention (policy §5: “for as long as we need it”, or as the law requires) ------------

UNVERIFIED_ACCOUNT_DAYS = Promise(
    7,
    words="Policy §5: “We'll retain your personal information for as long as we need it to "
    "provide you with the Services.” /privacy/data/: “Deleted {value} days after sign-up if "
    "the email address is never confirmed.”",
    code=("accounts.personal_data:delete_unverified_accounts",),
    tests=(
        "tests/privacy/test_s5_retention.py::test_s5_unconfirmed_accounts_are_erased_after_a_week",
    ),
)
BILLING_RECORD_RETENTION_DAYS = Promise(
    7 * 365,
    words="Policy §2.3: “your zip code and country, which we require for billing and to comply "
    "with tax and other government regulations.” /privacy/data/: kept {value} days after "
    "each purchase, detached from a deleted account, then deleted.",
    code=(
        "billing.retention:purge_expired_billing_records",
        "billing.personal_data:_legal_retention",
    ),
    tests=(
        "tests/billing/test_stored_data.py::"
        "test_billing_records_are_retained_detached_for_the_legal_period",
        "tests/billing/test_stored_data.py::"
        "test_detached_records_are_deleted_after_the_retention_period",
    ),
)
BACKUP_RETENTION_DAYS = Promise(
    35,
    words="Policy §5: “there may be latency in deleting your personal information from our "
    "servers and backup storage […]” The deletion page: “Backups are overwritten within weeks; "
    "restoring one never brings your data back.”",
    code=("privacy.rights.backups:prune_backups",),
    tests=(
        "tests/privacy/test_s5_backups.py::test_s5_old_backups_are_deleted",
        "tests/privacy/test_s5_backups.py::"
        "test_s5_restoring_a_backup_taken_before_a_deletion_forgets_the_person_again",
    ),
)
LEGAL_PACKAGE_DAYS = Promise(
    30,
    words="Policy §3.2: “We may disclose your information to third parties if we determine that "
    "such disclosure is reasonably necessary to comply with the law […]” The copy handed over "
    "is kept for our staff {value} days, then deleted.",
    code=("privacy.accountability.legal:expire_packages",),
    tests=(
        "tests/privacy/test_s3_2_legal_requests.py::"
        "test_s3_2_the_copy_handed_over_is_deleted_after_its_period",
    ),
)
SUPPORT_RETENTION_DAYS = Promise(
    365,
    words="Policy §2.4: “we maintain those communications and their contents so that we can "
    "resolve your inquiries […]” The contact page: “We keep your message and our answers to help "
    "you […] and delete them {value} days after the inquiry is closed.”",
    code=("support.services:apply_retention",),
    tests=(
        "tests/support/test_privacy.py::"
        "test_s5_closed_inquiries_are_deleted_after_the_retention_period",
        "tests/support/test_privacy.py::test_s5_the_inventory_says_how_long_inquiries_are_kept",
    ),
)
SUPPORT_CLOSE_ANSWERED_AFTER_DAYS = Promise(
    30,
    words="Policy §2.4: “we maintain those communications and their contents so that we can "
    "resolve your inquiries or otherwise assist you.” /privacy/data/: “An answered inquiry "
    "closes itself after {value} days without a new message; replying opens it again.”",
    code=("support.services:apply_retention",),
    tests=("tests/support/test_privacy.py::test_s5_answered_inquiries_left_quiet_close_then_go",),
)
SIGN_IN_IP_TRUNCATE_DAYS = Promise(
    30,
    words="Policy §2.7: usage information “such as your IP address”. The security page: "
    "“after {value} days only the network part of its IP address is kept.”",
    code=("usage.personal_data", "accounts.views:security"),
    tests=(
        "tests/usage/test_retention.py::"
        "test_ip_addresses_are_truncated_after_30_days_and_rows_deleted_after_90",
        "tests/usage/test_retention.py::test_the_rules_read_as_words_in_the_inventory",
    ),
)
SIGN_IN_RETENTION_DAYS = Promise(
    90,
    words="Policy §2.7: usage information “such as your IP address, your device or browser "
    "type, the webpage you visited before coming to our sites”. The security page: “We keep "
    "each sign-in for {value} days”; the site you came from goes after as long.",
    code=("usage.personal_data", "accounts.views:security"),
    tests=(
        "tests/usage/test_retention.py::"
        "test_ip_addresses_are_truncated_after_30_days_and_rows_deleted_after_90",
        "tests/usage/test_retention.py::test_the_referrer_host_goes_after_90_days",
    ),
)

PROMISES: dict[str, Promise] = {
    name: value for name, value in globals().items() if isinstance(value, Promise)
}


def markdown_table() -> str:
    """The promise → code → test table of docs/architecture.md."""
    rows = ["| promise | kept by | shown by |", "|---|---|---|"]
    for name, promise in PROMISES.items():
        words = promise.words.replace("{value}", str(int(promise)))
        code = "<br>".join(f"`{ref}`" for ref in promise.code)
        tests = "<br>".join(f"`{ref}`" for ref in promise.tests)
        rows.append(f"| `{name}` = {int(promise)}. {words} | {code} | {tests} |")
    return "\n".join(rows) + "\n"
