"""An outbox handler that does nothing: the baseline of deferred work (bench/packets.py)."""

from jobletters import outbox

NOOP = "bench.noop"


@outbox.handler(NOOP, queue="packets", max_attempts=3, time_limit=30)
def noop(payload: dict) -> None:
    """Claimed, run and marked done like any entry, with no work of its own."""
