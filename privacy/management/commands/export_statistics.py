"""Write aggregated statistics as CSV, through ``aggregates.release`` only (§3.3)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from privacy.accountability import aggregates


class Command(BaseCommand):
    help = (
        "Write each aggregated statistic to <out>/<name>.csv. Cells describing fewer than "
        f"{aggregates.K} people are left out; totals are sums of the cells shown."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--out", required=True, help="Folder to write the CSV files to.")
        parser.add_argument(
            "--statistic",
            action="append",
            default=[],
            help="Only this statistic (repeat for more); default: every one.",
        )
        parser.add_argument("--list", action="store_true", help="List the statistics and stop.")

    def handle(self, *args: Any, **options: Any) -> None:
        known = {s.name: s for s in aggregates.statistics()}
        if options["list"]:
            for stat in known.values():
                self.stdout.write(f"{stat.name}: {stat.description}")
            return
        wanted = options["statistic"] or list(known)
        if unknown := [name for name in wanted if name not in known]:
            raise CommandError(f"Unknown statistics: {', '.join(unknown)} (see --list)")
        folder = Path(options["out"])
        folder.mkdir(parents=True, exist_ok=True)
        for name in wanted:
            released = aggregates.release(known[name])
            path = folder / f"{name}.csv"
            with path.open("w", newline="", encoding="utf-8") as handle:
                aggregates.write_csv(released, handle)
            self.stdout.write(
                f"{path}: {len(released.cells)} cells, {released.suppressed} left out "
                f"(fewer than {aggregates.K} people)"
            )
