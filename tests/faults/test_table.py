"""docs/resilience.md lists every fault scenario with what it checks, as the suite has it."""

from __future__ import annotations

from .table import documented, scenarios, table

# Tests of the suite's own tools, not scenarios.
NOT_SCENARIOS = {"test_proxy.py", "test_table.py"}


def test_every_scenario_says_what_it_checks():
    _, unmarked = scenarios()
    assert [name for name in unmarked if name.split("::")[0] not in NOT_SCENARIOS] == []


def test_the_table_in_docs_resilience_is_the_suite_s():
    assert documented() == table(), "run: python -m tests.faults.table"
