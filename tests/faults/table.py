"""The table of faults in docs/resilience.md, made from the scenarios' ``fault`` marks.

Each scenario says, on its ``@pytest.mark.fault(fault, sees=..., work=...)``, what it
checks; ``python -m tests.faults.table`` prints the table, and test_table.py keeps the
one in docs/resilience.md equal to it. Read from the source (no Django needed).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).parent
DOC = HERE.parent.parent / "docs" / "resilience.md"
BEGIN = "<!-- fault table: python -m tests.faults.table; checked by tests/faults/test_table.py -->"
END = "<!-- end of the fault table -->"


@dataclass(frozen=True)
class Row:
    fault: str
    sees: str
    work: str
    test: str


def _fault_mark(function: ast.FunctionDef) -> ast.Call | None:
    for decorator in function.decorator_list:
        if isinstance(decorator, ast.Call) and ast.unparse(decorator.func) == "pytest.mark.fault":
            return decorator
    return None


def scenarios() -> tuple[list[Row], list[str]]:
    """The rows, and the scenario tests that have no ``fault`` mark."""
    rows, unmarked = [], []
    for path in sorted(HERE.glob("test_*.py")):
        for node in ast.parse(path.read_text()).body:
            if not (isinstance(node, ast.FunctionDef) and node.name.startswith("test_")):
                continue
            name = f"{path.name}::{node.name}"
            mark = _fault_mark(node)
            if mark is None:
                unmarked.append(name)
                continue
            words = {k.arg: ast.literal_eval(k.value) for k in mark.keywords}
            rows.append(Row(ast.literal_eval(mark.args[0]), words["sees"], words["work"], name))
    return rows, unmarked


def table() -> str:
    lines = [
        "| fault | what the person sees | what happens to the work | checked by |",
        "|---|---|---|---|",
    ]
    lines += [f"| {r.fault} | {r.sees} | {r.work} | `{r.test}` |" for r in scenarios()[0]]
    return "\n".join(lines)


def documented() -> str:
    text = DOC.read_text()
    return text[text.index(BEGIN) + len(BEGIN) : text.index(END)].strip()


if __name__ == "__main__":
    print(table())
