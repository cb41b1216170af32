"""Every duration and limit the privacy policy, the terms or our own pages promise.

Each is an ``int`` that also carries the words it keeps, the code keeping it and its tests
(docs/architecture.md shows ``markdown_table()``, held current by tests/privacy/test_promises.py).
Constants, never read from the environment: a deployment cannot choose to break a promise, and
``privacy.checks`` refuses values that would. In ``words``, ``{value}`` stands for the number.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


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


# --- The policy and the terms, each promise with the checks that keep it ----------------------
# /privacy/promises/ shows them; tests/privacy/test_promises.py fails when a section of either
# document has neither a clause nor a reason in NO_PROMISE, or a clause names a missing test.

PRIVACY, TERMS = "policy", "terms"


@dataclass(frozen=True)
class Clause:
    document: str  # PRIVACY or TERMS
    section: str  # its number there; "" for the opening
    words: StrOrPromise  # the promise in plain words
    tests: tuple[str, ...]  # names of test functions, each unique in tests/


# fmt: off
CLAUSES = (
    Clause(PRIVACY, "", _("You can reach us with any question about this policy."), (
        "test_the_documents_give_the_configured_support_address",
    )),
    Clause(PRIVACY, "1", _("We do not sell your information: it leaves us only as this policy "
        "says, and each time it does, the disclosure is recorded where you can see it."), (
        "test_a_disclosure_is_recorded_once_per_cause",
        "test_s1_my_data_shows_categories_reasons_consents_disclosures_and_requests",
    )),
    Clause(PRIVACY, "2", _("Everything we hold about you is listed, with why we hold it, who "
        "receives it and how long we keep it; no kind of record is left out."), (
        "test_s3_the_inventory_says_basis_recipients_and_retention_in_words",
        "test_every_installed_model_is_declared_or_exempt",
    )),
    Clause(PRIVACY, "2.1", _("Your account details are yours to see, copy and delete."), (
        "test_s1_my_data_shows_categories_reasons_consents_disclosures_and_requests",
        "test_s7_export_is_complete_valid_and_only_the_requesters",
        "test_s5_erasure_leaves_no_row_about_the_person",
    )),
    Clause(PRIVACY, "2.2", _("Your professional information goes only to the recruiters you "
        "choose, and only after you confirm."), (
        "test_a_confirmed_send_records_consent_then_each_packet_leaves_with_its_disclosure",
        "test_no_consent_means_nothing_is_sent_and_no_send_is_used",
    )),
    Clause(PRIVACY, "2.3", _("We keep no card details: only the postal code and country that "
        "billing and tax rules need."), (
        "test_billing_models_store_nothing_of_payments_but_postal_code_and_country",
        "test_only_postal_code_and_country_are_kept_from_the_address",
    )),
    Clause(PRIVACY, "2.4", _("Your messages to us are kept to help you, then deleted after a set "
        "time."), (
        "test_s5_closed_inquiries_are_deleted_after_the_retention_period",
        "test_s24_another_persons_thread_is_a_404",
    )),
    Clause(PRIVACY, "2.5", _("What you post in the community shows your first name and initial "
        "only."), (
        "test_authors_appear_by_first_name_and_initial_only",
        "test_the_public_inventory_says_what_happens_to_posts",
    )),
    Clause(PRIVACY, "2.6", _("Your CVs are stored privately and reach no one you did not "
        "choose."), (
        "test_s3_objects_are_private_and_presigned_urls_force_download_and_expire",
        "test_the_consent_screen_shows_exactly_what_each_recruiter_gets",
    )),
    Clause(PRIVACY, "2.7", _("Of each sign-in, the IP address is shortened after 30 days and the "
        "whole record deleted after 90."), (
        "test_ip_addresses_are_truncated_after_30_days_and_rows_deleted_after_90",
    )),
    Clause(PRIVACY, "2.9", _("We set only the cookies the site needs, each listed with its purpose "
        "and lifetime."), (
        "test_the_table_is_exactly_the_cookies_responses_set_with_their_lifetimes",
    )),
    Clause(PRIVACY, "3", _("We share your information only in the ways listed below."), (
        "test_a_disclosure_on_consent_must_name_the_consent",
    )),
    Clause(PRIVACY, "3.1", _("Recruiters receive your information only after you choose them and "
        "confirm, with the exact words you saw recorded."), (
        "test_a_confirmed_send_records_consent_then_each_packet_leaves_with_its_disclosure",
        "test_a_consent_keeps_the_words_shown_the_policy_in_force_and_the_recipients",
    )),
    Clause(PRIVACY, "3.2", _("Legal requests are checked by staff, logged, told to you when the "
        "law allows, and counted in our transparency report."), (
        "test_s3_2_people_are_told_once_when_notice_is_allowed",
        "test_s3_2_never_while_notice_is_prohibited",
        "test_s3_2_counts_per_half_year_and_outcome_in_bands",
    )),
    Clause(PRIVACY, "3.3", _("The companies working for us are listed publicly, and statistics we "
        "share never describe fewer than 10 people."), (
        "test_s3_3_the_processors_we_use_are_listed_with_country_and_safeguards",
        "test_s3_3_cells_under_10_people_never_leave",
    )),
    Clause(PRIVACY, "4", _("Pages are sent over HTTPS only, with security headers on every "
        "response."), (
        "test_pages_send_security_headers",
        "test_a_site_address_that_is_not_https_fails_the_deploy_check",
    )),
    Clause(PRIVACY, "5", _("Deleting your account erases everything about you within 30 days, "
        "backups included; only what the law makes us keep stays, detached from you."), (
        "test_s5_erasure_leaves_no_row_about_the_person",
        "test_s5_the_erasure_job_tries_until_the_deadline_then_staff_act",
        "test_s5_restoring_a_backup_taken_before_a_deletion_forgets_the_person_again",
        "test_s5_every_retention_rule_reads_as_words_and_periods_are_enforced",
    )),
    Clause(PRIVACY, "6", _("The companies that process your information abroad are listed with "
        "their country and safeguards."), (
        "test_s3_3_the_processors_we_use_are_listed_with_country_and_safeguards",
    )),
    Clause(PRIVACY, "7", _("You can see what we hold, download a copy of it, free, and delete your "
        "account from your account pages."), (
        "test_s1_my_data_shows_categories_reasons_consents_disclosures_and_requests",
        "test_s7_export_is_complete_valid_and_only_the_requesters",
        "test_s7_s5_export_then_delete_in_the_browser",
    )),
    Clause(PRIVACY, "8", _("Every email that is not about your account or a purchase has a "
        "one-click unsubscribe link that works at once."), (
        "test_s8_a_cookieless_one_click_post_unsubscribes_at_once",
        "test_s8_account_and_transaction_emails_have_no_unsubscribe_headers",
    )),
    Clause(PRIVACY, "9", _("Every version of this policy is published, and a change that reduces "
        "your rights is emailed to you at least 30 days before it applies."), (
        "test_s9_every_version_is_listed_with_its_changelog_and_a_diff",
        "test_s9_publishing_a_rights_reducing_version_is_refused_inside_30_days",
    )),
    Clause(TERMS, "3.1", _("Only recruiters who can be reached are suggested: never one who opted "
        "out or was suspended."), (
        "test_opted_out_inactive_and_frozen_recruiters_never_appear",
    )),
    Clause(TERMS, "3.2", _("Nothing is sent to a recruiter unless you confirm after seeing exactly "
        "what they will receive."), (
        "test_the_consent_screen_shows_exactly_what_each_recruiter_gets",
        "test_no_consent_means_nothing_is_sent_and_no_send_is_used",
    )),
    Clause(TERMS, "4.1", _("Payment is taken by Stripe; we never store your card."), (
        "test_billing_models_store_nothing_of_payments_but_postal_code_and_country",
    )),
    Clause(TERMS, "4.2", _("A refund gives back the sends you have not used."), (
        "test_a_full_refund_takes_back_the_unused_sends",
        "test_a_refund_never_takes_sends_that_were_already_used",
    )),
    Clause(TERMS, "4.3", _("A refunded or disputed payment takes its sends back, and a send it "
        "paid for that has not left is not made."), (
        "test_a_dispute_holds_back_the_unused_sends_and_staff_see_it",
        "test_a_packet_revoked_before_it_leaves_is_never_sent_and_its_send_comes_back",
    )),
    Clause(TERMS, "5.1", _("Your files are used only to provide the service, and go when you "
        "delete them or your account."), (
        "test_s5_erasure_leaves_no_row_about_the_person",
    )),
    Clause(TERMS, "5.2", _("Every file you upload is checked, and a file we cannot check safely is "
        "refused with a message."), (
        "test_attack_is_refused_with_a_message",
    )),
    Clause(TERMS, "5.3", _("Moderators may hide a post; it is then hidden from everyone but its "
        "author, who sees why."), (
        "test_a_hidden_thread_is_invisible_to_others_and_shown_to_its_author_with_the_reason",
    )),
    Clause(TERMS, "6", _("A recruiter is never sent the same packet twice within 180 days."), (
        "test_a_recruiter_cannot_be_sent_the_same_packet_twice_within_180_days",
    )),
    Clause(TERMS, "7", _("You can see, download and delete your data from your account pages."), (
        "test_s1_my_data_shows_categories_reasons_consents_disclosures_and_requests",
        "test_s7_export_is_complete_valid_and_only_the_requesters",
    )),
    Clause(TERMS, "8.1", _("Deleting your account waits 14 days, during which you can cancel and "
        "still download a copy."), (
        "test_s5_the_account_is_frozen_during_the_grace_period",
        "test_s5_cancel_restores_everything",
    )),
    Clause(TERMS, "10.1", _("Every version of the terms and the policy is published with what "
        "changed and when it applies."), (
        "test_s9_every_version_is_listed_with_its_changelog_and_a_diff",
        "test_s9_a_published_version_never_changes",
    )),
    Clause(TERMS, "10.2", _("A change that reduces your rights is emailed at least 30 days ahead "
        "and shown to you until you confirm you read it."), (
        "test_s9_publishing_a_rights_reducing_version_is_refused_inside_30_days",
        "test_s9_a_banner_shows_until_the_person_acknowledges",
    )),
    Clause(TERMS, "10.3", _("Notices of changes reach you even with announcements turned off and "
        "while your account waits to be deleted."), (
        "test_s9_every_active_person_is_emailed_once_frozen_accounts_included",
    )),
)
# fmt: on

# What the documents say that promises nothing a test could show, and why.
NO_PROMISE = {
    (PRIVACY, "2.8"): "We collect no device location; the place you choose is §2.2.",
    (PRIVACY, "3.4"): "A possible future business transfer: nothing the code does.",
    (TERMS, ""): "What the terms are and how to agree to them.",
    **{(TERMS, f"1.{n}"): "A definition." for n in range(1, 8)},
    (TERMS, "2.1"): "What a seeker must be and do.",
    (TERMS, "2.2"): "What a seeker must do; two-factor is offered (accounts tests).",
    (TERMS, "2.3"): "What a seeker must do.",
    (TERMS, "3.3"): "What we are not responsible for.",
    (TERMS, "3.4"): "What we cannot guarantee.",
    (TERMS, "8.2"): "A staff decision, taken case by case.",
    (TERMS, "9.1"): "Care and skill: no single check shows it.",
    (TERMS, "9.2"): "Limits of liability.",
    (TERMS, "11.1"): "How the agreement reads.",
    (TERMS, "11.2"): "A possible future business transfer.",
    (TERMS, "11.3"): "Which law applies.",
}
