"""Reload occupations and places (idempotent; `migrate` already runs it once)."""

import time

from django.core.management.base import BaseCommand

from taxonomy.loading import load_taxonomy


class Command(BaseCommand):
    help = "Load or refresh the occupation and place taxonomy (safe to run again)."

    def handle(self, *args, **options) -> None:
        started = time.perf_counter()
        report = load_taxonomy()
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"Loaded {report} in {elapsed:.1f}s."))
