"""The Celery app of the workers benchmarks start: the project's, plus a no-op handler."""

from config.celery import app

app.conf.imports = (*tuple(app.conf.imports or ()), "bench.support.noop")

__all__ = ["app"]
