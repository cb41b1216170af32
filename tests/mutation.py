"""Mutation testing of the modules that keep the policy's promises (`make mutation`).

mutmut changes one thing at a time in a module (a comparison, a constant, a condition, an
argument) and runs the tests that reach the changed function. A change no test notices
"survives": either a test is missing, or the change makes no difference a person could
see; each survivor of the last run is listed in bench/results/mutation.md with its reason
(SURVIVORS below), or marked as waiting for its test.

    python tests/mutation.py                        # every module in MODULES
    python tests/mutation.py billing/ledger.py      # the modules named
    python tests/mutation.py recruiters/sending.py::revoke_delivery   # one function of one
    python tests/mutation.py --changed-since REF    # those of MODULES changed since REF
    python tests/mutation.py --week                 # this ISO week's slice (one module)
    python tests/mutation.py --again [MODULE ...]   # only the last run's survivors, again
    python tests/mutation.py --report               # the report again (reasons edited)

One module at a time, niced, with one mutant at a time (MUTATION_CHILDREN to change it):
the tests of that module's app only. The whole project is copied into mutants/ (see
[tool.mutmut] in pyproject.toml); the test database template is migrated once per run and
kept in var/mutation/ (TEST_DATABASE_TEMPLATE_DIR, tests/database.py), as is each module's
copy with its verdicts, so that --again checks only the survivors against new tests.
"""

from __future__ import annotations

import argparse
import datetime
import fnmatch
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
WORK = ROOT / "var" / "mutation"

# Each module and the tests that cover it (the narrowest selection that does).
MODULES: dict[str, list[str]] = {
    "profiles/cv_checks/common.py": [
        "tests/profiles/test_cv_attacks.py",
        "tests/profiles/test_cv_bounded.py",
        "tests/profiles/test_cv_normalised.py",
        "tests/profiles/test_cv_refusals_translated.py",
        "tests/profiles/test_cvs.py",
    ],
    "profiles/cv_checks/quick.py": [
        "tests/profiles/test_cv_attacks.py",
        "tests/profiles/test_cv_bounded.py",
        "tests/profiles/test_cv_normalised.py",
        "tests/profiles/test_cvs.py",
    ],
    "recruiters/sending.py": ["tests/recruiters"],
    "recruiters/delivery.py": ["tests/recruiters"],
    "recruiters/packets.py": ["tests/recruiters"],
    "billing/stripe_events.py": [
        "tests/billing/test_webhook.py",
        "tests/billing/test_payment_checks.py",
        "tests/billing/test_clawback.py",
        "tests/billing/test_checkout.py",
    ],
    "billing/ledger.py": ["tests/billing"],
    "privacy/consent.py": ["tests/privacy/test_ledger.py", "tests/recruiters/test_sending.py"],
    "privacy/rights/erasure.py": [
        "tests/privacy/test_s5_deletion.py",
        "tests/privacy/test_s5_backups.py",
        "tests/privacy/test_s5_retention.py",
    ],
    "privacy/rights/export.py": [
        "tests/privacy/test_s7_export.py",
        "tests/privacy/test_export_language.py",
        "tests/privacy/test_s3_2_legal_requests.py",
    ],
    "privacy/registry/declarations.py": ["tests/privacy"],
}

# Tests that read a module's source text, which mutmut rewrites with every mutant beside
# the original: they cannot run on the copy (they run in `make test`).
DESELECT = [
    "tests/profiles/test_cv_refusals_translated.py::"
    "test_every_fixed_refusal_of_the_checks_is_listed_for_the_catalogue",
]
# Browser tests: minutes each, and they reach the modules through the same views.
PYTEST_ARGS = ["-m", "not browser", *[f"--deselect={test}" for test in DESELECT]]

# Survivors that make no difference a person could see, each with why (mutant name: reason).
_SAME_ROW = (
    "equivalent: saves every column of the row it has just read under lock instead of the "
    "one it changed; the stored row is the same"
)
_FIRST_FIELD = (
    "equivalent: values_list(flat=True) without a field gives the first field, the primary "
    "key, which is the field named"
)
_SIZE = (
    "column size: SQLite, the test database here, does not enforce max_length; on "
    "PostgreSQL the longer value is refused, so this is caught only by the suite on PostgreSQL"
)
_COUNTRY = (
    "equivalent: the billing country is a CountryField (django-countries), which keeps the "
    "alpha-2 code in capitals whatever case or alpha-3 form it is given"
)
_PROGRAMMING_ERROR = (
    "wording of a programming error: a caller's mistake raises ValueError (or "
    "PermissionError) that no person reads; the refusal itself is tested"
)
_USER_ATTRIBUTE = (
    "equivalent: every caller passes a User or an AnonymousUser (or None, checked first), "
    "which has the attribute, so getattr's default is never used"
)
_TIE = (
    "equivalent: reservations are numbered in the order they are made, so ordering by time "
    "or by number (or both) cancels the same ones"
)
_PROFILE_READ_ONCE = (
    "equivalent: the profile is read once and handed on only to save reading it again; "
    "without it each helper reads the same profile itself (one query more)"
)
_NO_TARGETS = (
    "equivalent: without targets, ranking finds no one (rank_matches returns no matches), "
    "so the plan is the same empty one whichever branch runs"
)
_UNREACHED_RACE = (
    "concurrency: the plan, rebuilt under the seeker's row lock, already refuses a short "
    "balance, a refused account and a recruiter already sent to; this branch is reached "
    "only when another transaction (a refund, a deactivation, a second confirmation) lands "
    "between the plan and the writes, which SQLite, one writer at a time, cannot stage"
)
_LANGUAGE_ATTRIBUTE = (
    "equivalent: every account has a language (blank when never set), so getattr's "
    "default is never used"
)
_ERASURE = "privacy.rights.erasure.x_"
_EVENTS = "billing.stripe_events.x_"
_LEDGER = "billing.ledger.x_"
_SENDING = "recruiters.sending.x_"
SURVIVORS: dict[str, str] = {
    **{f"{_EVENTS}handle_stripe_event__mutmut_{n}": _SIZE for n in (13, 36, 37)},
    f"{_EVENTS}handle_stripe_event__mutmut_23": _SAME_ROW,
    f"{_EVENTS}_on_session_paid_or_completed__mutmut_59": _SIZE,
    f"{_EVENTS}_purchase_for_session__mutmut_7": (
        "equivalent: a session without an id then looks for the id 'XXXX', which no purchase "
        "has (Stripe's start with cs_)"
    ),
    f"{_EVENTS}_purchase_for_session__mutmut_11": _FIRST_FIELD,
    **{f"{_EVENTS}_keep_billing_location__mutmut_{n}": _COUNTRY for n in (19, 26)},
    f"{_EVENTS}_keep_billing_location__mutmut_30": _SAME_ROW,
    "billing.stripe_events.xǁRejectedǁ__init____mutmut_1": (
        "equivalent: every Rejected is raised with a note, so the default is never used"
    ),
    "billing.stripe_events.xǁRejectedǁ__init____mutmut_2": (
        "harmless: the exception's own text is never read; staff see its problem and note"
    ),
    "billing.stripe_events.xǁRejectedǁ__init____mutmut_3": (
        "harmless: the exception's own text is never read; staff see its problem and note"
    ),
    f"{_EVENTS}_our_reference__mutmut_17": _FIRST_FIELD,
    f"{_EVENTS}_on_charge_refunded__mutmut_33": _FIRST_FIELD,
    f"{_EVENTS}_on_dispute__mutmut_20": _FIRST_FIELD,
    f"{_EVENTS}_on_async_payment_failed__mutmut_8": _SAME_ROW,
    f"{_EVENTS}_on_session_expired__mutmut_8": _SAME_ROW,
    f"{_EVENTS}_on_dispute__mutmut_88": _SAME_ROW,
    f"{_EVENTS}_on_dispute__mutmut_14": (
        "equivalent: a dispute without a payment intent then looks for the intent 'XXXX', "
        "which no purchase has (Stripe's ids start with pi_), and is refused the same way"
    ),
    **{f"{_LEDGER}check_may_spend__mutmut_{n}": _USER_ATTRIBUTE for n in (6, 9, 12)},
    **{f"{_LEDGER}balance__mutmut_{n}": _USER_ATTRIBUTE for n in (4, 7, 10)},
    f"{_LEDGER}apply_refunds__mutmut_28": _SAME_ROW,
    **{f"{_LEDGER}grant_complimentary_sends__mutmut_{n}": _USER_ATTRIBUTE for n in (10, 13, 16)},
    **{
        f"{_LEDGER}grant_complimentary_sends__mutmut_{n}": _PROGRAMMING_ERROR
        for n in (3, 4, 5, 6, 17, 18, 19, 20, 22, 23, 24, 25)
    },
    f"{_LEDGER}hold_for_dispute__mutmut_29": _SAME_ROW,
    f"{_LEDGER}close_dispute__mutmut_4": _SAME_ROW,
    **{f"{_LEDGER}_cancel_uncovered_reservations__mutmut_{n}": _TIE for n in (16, 17)},
    f"{_LEDGER}_sends_for__mutmut_1": (
        "equivalent: a refund of exactly the price gives every send by the proportion too"
    ),
    f"{_LEDGER}_take_back__mutmut_26": _SIZE,
    **{
        f"{_LEDGER}{name}": (
            "its test came after this run: tests/billing/test_clawback.py::"
            "test_a_small_refund_takes_back_its_share_of_sends_rounded_down; "
            "`tests/mutation.py --again billing/ledger.py` confirms it"
        )
        for name in ("_take_back__mutmut_1", "_take_back__mutmut_14")
    },
    f"{_LEDGER}_sends_for__mutmut_2": (
        "equivalent: each share is stored in an IntegerField, which keeps the integer part of "
        "1.5 sends as of 1 (the same as rounding down, as the shares are never negative)"
    ),
    **{
        f"{_LEDGER}{name}": (
            "its test came after this run: tests/billing/test_clawback.py::"
            "test_a_dispute_lost_before_the_payment_is_confirmed_counts_its_sends_as_repaid "
            "and ::test_a_growing_refund_takes_back_only_its_new_share; "
            "`tests/mutation.py --again billing/ledger.py` confirms it"
        )
        for name in [f"credit_purchase__mutmut_{n}" for n in range(26, 31)]
        + ["apply_refunds__mutmut_13"]
    },
    **{
        f"{_LEDGER}apply_refunds__mutmut_{n}": (
            "its test came after this run: tests/billing/test_clawback.py::"
            "test_a_refund_during_a_dispute_counts_the_held_sends_first_then_takes_only_the_rest"
            " (31, 32) and"
            " ::test_a_small_refund_takes_back_its_share_of_sends_rounded_down (15, 36);"
            " `tests/mutation.py --again billing/ledger.py` confirms it"
        )
        for n in (15, 31, 32, 36)
    },
    **{
        f"{_LEDGER}_sum_of_sends__mutmut_{n}": (
            "equivalent: without output_field the subquery's type is inferred from Sum over an "
            "integer column, the same IntegerField"
        )
        for n in (17, 19)
    },
    **{
        f"{_LEDGER}apply_refunds__mutmut_{n}": (
            "equivalent: with nothing left to take back (or a dispute holding nothing), the "
            "loop and _take_back change nothing"
        )
        for n in (14, 19)
    },
    f"{_LEDGER}credit_purchase__mutmut_1": (
        "equivalent: the one caller then queues the confirmation email again, under the same "
        "key per purchase, so the person still gets one email and the sends are added once"
    ),
    f"{_LEDGER}credit_purchase__mutmut_11": (
        "equivalent: the status is set again from the purchase's refunds and disputes before "
        "it is saved, and nothing in between reads it (is_granted reads paid_at)"
    ),
    **{f"{_ERASURE}erase_person__mutmut_{n}": _LANGUAGE_ATTRIBUTE for n in (57, 60, 63)},
    f"{_ERASURE}erase_person__mutmut_42": (
        "equivalent: a resumed erasure detaches again, which finds nothing left to detach "
        "(every eraser is idempotent) and counts nothing"
    ),
    **{
        f"{_ERASURE}_queue_final_email__mutmut_{n}": (
            "equivalent: the goodbye is queued in the transaction that deletes the account, "
            "so it is queued once whatever its key"
        )
        for n in (5, 10)
    },
    **{
        f"{_ERASURE}_outside_systems__mutmut_{n}": (
            "equivalent: the rows' chunk size, which changes the number of reads, not the files"
        )
        for n in (7, 9)
    },
    f"{_ERASURE}_outside_systems__mutmut_15": (
        "equivalent: a stored file (FieldFile) is true exactly when it has a name"
    ),
    f"{_ERASURE}_advance__mutmut_4": (
        "equivalent: saves every column of the tombstone instead of the three it changed; "
        "nothing else writes an unfinished tombstone meanwhile, so the stored row is the same"
    ),
    f"{_ERASURE}_queue_final_email__mutmut_1": (
        "equivalent: its one caller always passes the person's language"
    ),
    f"{_ERASURE}write_journal__mutmut_3": (
        "equivalent: the journal is written only for a tombstone that exists and is finished "
        "(erase_person after its last phase, journal_missing_tombstones for erased ones), so "
        "the guard never returns"
    ),
    f"{_ERASURE}write_journal__mutmut_14": (
        "equivalent: every tombstone erase_person writes has requested_at (the request's or "
        "the moment it ran)"
    ),
    f"{_ERASURE}journal_missing_tombstones__mutmut_16": (
        "equivalent: the batch size of one run of the job (1,000 or 1,001)"
    ),
    **{f"privacy.consent.x_record_consent__mutmut_{n}": _PROGRAMMING_ERROR for n in (4, 5)},
    **{f"privacy.consent.x_record_disclosure__mutmut_{n}": _PROGRAMMING_ERROR for n in (7, 8)},
    **{f"{_SENDING}plan_send__mutmut_{n}": _PROFILE_READ_ONCE for n in (3, 4, 9, 13, 24, 26)},
    f"{_SENDING}plan_send__mutmut_15": (
        "equivalent: with contact details included, the snapshot's contact is "
        "contact_for_packet(seeker), the value read again"
    ),
    **{f"{_SENDING}plan_send__mutmut_{n}": _NO_TARGETS for n in (32, 47, 71)},
    **{
        f"{_SENDING}plan_send__mutmut_{n}": (
            "tolerance, not equivalent: how many of the best-ranked recruiters are read to "
            "find the top ones that can be sent to (three times top; with the mutant, the page "
            "size, 50, or four times top); it differs only when most of those were sent to in "
            "the last 180 days, where a wider window would be as right, so no test pins it"
        )
        for n in (37, 40, 46)
    },
    f"{_SENDING}plan_send__mutmut_60": (
        "equivalent: refused is only tested for truth, and None and '' are both false"
    ),
    f"{_SENDING}plan_send__mutmut_118": (
        "equivalent: with no match the condition is balance < 0, and the balance is never "
        "below zero (ledger.with_balance floors what can be spent at 0)"
    ),
    **{
        f"{_SENDING}_sent_recently__mutmut_{n}": (
            "wording of an internal assertion (a programming error no person reads)"
        )
        for n in (3, 4)
    },
    **{
        f"{_SENDING}_sent_recently__mutmut_{n}": (
            "equivalent: without a format date_format uses DATE_FORMAT, which is the format "
            "named, j F Y, in both of the site's languages (jobletters.formats, Django's fr)"
        )
        for n in (19, 21, 28, 30)
    },
    **{
        f"{_SENDING}category_words__mutmut_{n}": (
            "equivalent: every category a packet records is a key of packets.CATEGORY_WORDS, "
            "so the default of .get() is never used"
        )
        for n in (4, 5, 6)
    },
    f"{_SENDING}confirm_send__mutmut_8": (
        "concurrency: locking no row only matters when two confirmations of one seeker race; "
        "SQLite, the test database here, serialises writers, so no test here can tell"
    ),
    **{f"{_SENDING}confirm_send__mutmut_{n}": _UNREACHED_RACE for n in range(36, 51)},
    **{f"{_SENDING}_record_send__mutmut_{n}": _SIZE for n in (53, 54, 55, 56)},
    f"{_SENDING}_record_send__mutmut_66": _SAME_ROW,
    **{
        f"{_SENDING}release_reservation__mutmut_{n}": (
            "wording of a log line for staff, in a branch reached only when a packet that "
            "never reached the mail server has its send consumed (release raises only then)"
        )
        for n in range(3, 9)
    },
    f"{_SENDING}fail_waiting_deliveries__mutmut_12": _FIRST_FIELD,
    **{
        f"{_SENDING}_visit_key__mutmut_{n}": (
            "equivalent: any fixed prefix keys the same visits (the key is only ever made here)"
        )
        for n in (2, 3)
    },
    **{
        f"{_SENDING}record_view__mutmut_{n}": (
            "equivalent: the value kept under the visit key is never read, only its presence"
        )
        for n in (3, 9)
    },
    f"{_SENDING}clean_message__mutmut_12": (
        "equivalent: each line is right-stripped after splitting on \\n, which removes the "
        "\\r of a \\r\\n line end anyway"
    ),
    f"{_SENDING}current_answer__mutmut_4": (
        "equivalent on SQLite, the test database here: answers of the same instant come out "
        "of its (delivery, answered_at) index newest row first anyway; the tie-break by pk is "
        "for PostgreSQL, where ties have no order"
    ),
    f"{_SENDING}current_answer__mutmut_3": (
        "equivalent: answers are only created by answer_packet, stamped now, so the newest "
        "row is also the newest in time (ties, same instant, are ordered by pk either way)"
    ),
}

STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests", 36: "timeout"}
STATUS.update({-24: "timeout", 24: "timeout", 152: "timeout", 255: "timeout"})

# Run inside the child: mutmut with this module and these tests, then the verdicts.
CHILD = """
import json, sys
from pathlib import Path
from mutmut.configuration import config
from mutmut.__main__ import cli
from mutmut.mutation.diff_apply import get_diff_for_mutant

module, children, pytest_args, names, *tests = sys.argv[1:]
settings = config()
settings.only_mutate = [module]
settings.pytest_add_cli_args += json.loads(pytest_args)
settings.pytest_add_cli_args_test_selection = tests
cli.main(["run", "--max-children", children, *json.loads(names)], standalone_mode=False)
verdicts = json.loads(Path("mutants", module + ".meta").read_text())["exit_code_by_key"]
diffs = {name: get_diff_for_mutant(name, path=module)
         for name, code in verdicts.items() if code not in (1, 3)}
Path("mutants", "verdicts.json").write_text(json.dumps({"verdicts": verdicts, "diffs": diffs}))
"""


def run_module(entry: str, *, again: bool) -> dict:
    """Mutate a module (``path.py``) or one function of it (``path.py::function``)."""
    module, _, function = entry.partition("::")
    shutil.rmtree(ROOT / "mutants", ignore_errors=True)
    kept = WORK / "mutants" / entry.replace("/", ".")
    names = _globs(function)
    if again and kept.exists():
        kept.rename(ROOT / "mutants")
        verdicts = json.loads((ROOT / "mutants" / "verdicts.json").read_text())["verdicts"]
        names = [
            name
            for name, code in verdicts.items()
            if STATUS.get(code) not in ("killed", "timeout") and _chosen(name, function)
        ]
    env = {**os.environ, "TEST_DATABASE_TEMPLATE_DIR": str(WORK / "template")}
    children = os.environ.get("MUTATION_CHILDREN", "1")
    started = time.monotonic()
    with (WORK / f"{entry.replace('/', '.')}.log").open("w") as log:
        if again and not names:
            log.write("Nothing survived the last run.\n")
            return _result(entry, started)
        subprocess.run(
            [
                "nice",
                "-n",
                "10",
                sys.executable,
                "-c",
                CHILD,
                module,
                children,
                json.dumps(PYTEST_ARGS),
                json.dumps(names),
                *MODULES[module],
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            check=True,
        )
    return _result(entry, started)


def _globs(function: str) -> list[str]:
    """mutmut's names for the mutants of a function or method (none: the whole module)."""
    return [f"*.x_{function}__mutmut_*", f"*ǁ{function}__mutmut_*"] if function else []


def _chosen(name: str, function: str) -> bool:
    return not function or any(fnmatch.fnmatch(name, glob) for glob in _globs(function))


def _result(entry: str, started: float) -> dict:
    """The verdicts of mutants/ (kept in var/mutation/ for --again), counted."""
    function = entry.partition("::")[2]
    found = json.loads((ROOT / "mutants" / "verdicts.json").read_text())
    found["verdicts"] = {
        name: code for name, code in found["verdicts"].items() if _chosen(name, function)
    }
    kept = WORK / "mutants" / entry.replace("/", ".")
    kept.parent.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(kept, ignore_errors=True)
    (ROOT / "mutants").rename(kept)
    counts = {"killed": 0, "survived": 0, "no tests": 0, "timeout": 0, "other": 0}
    survivors = []
    for name, code in found["verdicts"].items():
        status = STATUS.get(code, "other")
        counts[status] += 1
        if status != "killed":
            survivors.append(
                {
                    "name": name,
                    "status": status,
                    "diff": _changed_lines(found["diffs"].get(name, "")),
                    "reason": SURVIVORS.get(name, "no test yet: write the test that kills it"),
                }
            )
    return {
        "module": entry,
        "mutants": len(found["verdicts"]),
        **counts,
        "minutes": round((time.monotonic() - started) / 60, 1),
        "survivors": survivors,
    }


def _changed_lines(diff: str) -> str:
    lines = diff.splitlines()[2:]  # the two file headers
    return "\n".join(line for line in lines if line[:1] in "+-" and line[1:].strip())


def write_report(results: dict[str, dict]) -> None:
    (RESULTS / "mutation.json").write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")
    rows = [
        "# Mutation testing",
        "",
        "`make mutation` (tests/mutation.py, mutmut): each module is mutated and the tests of its",
        "app run against each mutant. Detected = killed or timed out; a survivor is either a",
        "missing test or a change no one could see, listed below with the reason.",
        "",
        "| Module | Mutants | Killed | Timeouts | Survived | No tests | Detected | Minutes | Run |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for module in sorted(results):
        r = results[module]
        detected = r["killed"] + r["timeout"]
        score = f"{100 * detected / r['mutants']:.1f} %" if r["mutants"] else "none"
        rows.append(
            f"| `{module}` | {r['mutants']} | {r['killed']} | {r['timeout']} | {r['survived']}"
            f" | {r['no tests']} | {score} | {r['minutes']} | {r['date']} |"
        )
    for module in sorted(results):
        if not results[module]["survivors"]:
            continue
        rows += ["", f"## Survivors in `{module}`", ""]
        for survivor in results[module]["survivors"]:
            reason = SURVIVORS.get(survivor["name"], survivor["reason"])
            if survivor["status"] == "timeout":
                reason = "ran past its time limit (a hang the tests caught): counted as detected"
            rows.append(f"- `{survivor['name']}` ({survivor['status']}): {reason}")
            if survivor["diff"]:
                rows += ["", "  ```diff", *[f"  {line}" for line in survivor["diff"].splitlines()]]
                rows.append("  ```")
    (RESULTS / "mutation.md").write_text("\n".join(rows) + "\n")


def changed_since(ref: str) -> list[str]:
    names = subprocess.run(
        ["git", "diff", "--name-only", f"{ref}...HEAD"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [module for module in MODULES if module in names]


def this_weeks_slice() -> list[str]:
    week = datetime.date.today().isocalendar().week
    return [list(MODULES)[week % len(MODULES)]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help="modules to mutate (default: all)")
    parser.add_argument("--changed-since", metavar="REF")
    parser.add_argument("--week", action="store_true", help="this week's slice")
    parser.add_argument("--again", action="store_true", help="only the last run's survivors")
    parser.add_argument("--report", action="store_true", help="only write the report again")
    args = parser.parse_args()
    if args.report:
        write_report(json.loads((RESULTS / "mutation.json").read_text()))
        return
    if args.changed_since:
        modules = changed_since(args.changed_since)
    elif args.week:
        modules = this_weeks_slice()
    else:
        modules = args.modules or list(MODULES)
    unknown = [module for module in modules if module.partition("::")[0] not in MODULES]
    if unknown:
        sys.exit(f"Not in tests/mutation.py's MODULES (add it with its tests): {unknown}")
    shutil.rmtree(WORK / "template", ignore_errors=True)  # migrated again: migrations change
    WORK.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    previous = RESULTS / "mutation.json"
    results = json.loads(previous.read_text()) if previous.exists() else {}
    for module in modules:
        print(f"== {module}", flush=True)
        result = run_module(module, again=args.again)
        result["date"] = datetime.date.today().isoformat()
        results[module] = result
        write_report(results)
        print(
            f"   {result['mutants']} mutants: {result['killed']} killed, "
            f"{result['timeout']} timeouts, {result['survived']} survived, "
            f"{result['no tests']} without tests ({result['minutes']} min)",
            flush=True,
        )
    if not modules:
        print("No module of tests/mutation.py's MODULES to mutate.")


if __name__ == "__main__":
    main()
