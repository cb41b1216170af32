"""``manage.py check`` shows the registry's gaps (errors) and things to look at (warnings)."""

from __future__ import annotations

from typing import Any

from django.core import checks
from django.db import connections

from privacy import promises
from privacy.models import DeletionRequest
from privacy.registry.coverage import coverage_problems, coverage_warnings
from privacy.rights.deletion import late_deletions


# With --deploy only (CI runs it): a model another engineer is still writing must not
# stop runserver or migrate; tests/privacy/test_registry.py fails on the same gaps.
@checks.register("privacy", deploy=True)
def registry_coverage(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:

    messages: list[checks.CheckMessage] = [
        checks.Error(problem, id="privacy.E001", hint="Declare it in the app's personal_data.py.")
        for problem in coverage_problems()
    ]
    messages += [checks.Warning(warning, id="privacy.W001") for warning in coverage_warnings()]
    return messages


@checks.register("privacy")
def promises_kept(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Refuse values in privacy/promises.py that would break the policy, terms or our pages."""
    p = promises
    rules = [
        (
            "privacy.E002",
            p.DELETION_GRACE_DAYS < p.DELETION_DEADLINE_DAYS,
            "DELETION_GRACE_DAYS must be shorter than DELETION_DEADLINE_DAYS: the erasure runs "
            "after the grace period and must be done by the deadline.",
        ),
        (
            "privacy.E003",
            p.DELETION_DEADLINE_DAYS <= 30,
            "DELETION_DEADLINE_DAYS must be at most 30: the law gives a month to erase.",
        ),
        (
            "privacy.E004",
            p.POLICY_NOTICE_DAYS >= 30,
            "POLICY_NOTICE_DAYS must be at least 30: the terms (§10.2) promise 30 days' notice "
            "of a change that reduces people's rights.",
        ),
        (
            "privacy.E005",
            p.EXPORT_INTERVAL_HOURS <= 24 * p.EXPORT_EXPIRY_DAYS,
            "EXPORT_INTERVAL_HOURS must not outlast EXPORT_EXPIRY_DAYS: a person must be able "
            "to ask for a new copy once theirs expires.",
        ),
        (
            "privacy.E006",
            p.EXPORT_INTERVAL_HOURS < 24 * p.DELETION_GRACE_DAYS,
            "EXPORT_INTERVAL_HOURS must be shorter than DELETION_GRACE_DAYS: the deletion page "
            "says a copy can still be had during the grace period.",
        ),
        (
            "privacy.E007",
            p.PACKET_VALID_DAYS <= p.RESEND_AFTER_DAYS,
            "PACKET_VALID_DAYS must not exceed RESEND_AFTER_DAYS: a recruiter holds at most "
            "one working link to a seeker's packet.",
        ),
        (
            "privacy.E009",
            p.SIGN_IN_IP_TRUNCATE_DAYS < p.SIGN_IN_RETENTION_DAYS,
            "SIGN_IN_IP_TRUNCATE_DAYS must be shorter than SIGN_IN_RETENTION_DAYS: the security "
            "page says the IP address is shortened before the sign-in is deleted.",
        ),
        (
            "privacy.E010",
            p.BACKUP_RETENTION_DAYS <= 8 * 7,
            "BACKUP_RETENTION_DAYS must be at most 8 weeks: the deletion page says backups are "
            "overwritten within weeks.",
        ),
    ]
    errors: list[checks.CheckMessage] = [
        checks.Error(message, id=check_id, hint="Change it in privacy/promises.py.")
        for check_id, kept, message in rules
        if not kept
    ]
    errors += [
        checks.Error(
            f"{name} is {getattr(p, name)}: every promised period must be at least 1.",
            id="privacy.E008",
            hint="Change it in privacy/promises.py.",
        )
        for name in p.PROMISES
        if getattr(p, name) < 1
    ]
    return errors


@checks.register("privacy", checks.Tags.database)
def deletions_on_time(
    app_configs: Any = None, databases: Any = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """``manage.py check --database default``: deletion requests past their deadline.

    A warning, not an error: ``migrate`` runs database checks too, and a late erasure
    must not stop the deploy that may fix it.
    """
    table = DeletionRequest._meta.db_table
    late = sum(
        late_deletions().using(alias).count()
        for alias in databases or ()
        if table in connections[alias].introspection.table_names()  # before the first migrate
    )
    if not late:
        return []
    return [
        checks.Warning(
            f"{late} deletion request(s) are past their deadline (policy §5: erased within "
            f"{promises.DELETION_DEADLINE_DAYS} days of the request).",
            id="privacy.W002",
            hint="See the deletion queue in the admin, filtered by 'Late'.",
        )
    ]
