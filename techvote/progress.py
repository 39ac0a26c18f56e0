"""A one-line progress bar for long commands: the benchmark's generator, counting."""

import sys
import time


class Progress:
    """A one-line progress bar on stderr: label, bar, percentage, rate."""

    def __init__(self, label: str, total: int):
        self.label, self.total, self.done = label, max(total, 1), 0
        self.started = self.shown = time.monotonic()

    def advance(self, amount: int = 1) -> None:
        self.done += amount
        now = time.monotonic()
        if now - self.shown > 0.2 or self.done >= self.total:
            self.shown = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        share = min(self.done / self.total, 1.0)
        bar = "#" * int(share * 30)
        rate = self.done / max(now - self.started, 1e-6)
        sys.stderr.write(
            f"\r{self.label:<14} [{bar:<30}] {share:6.1%} {self.done:>10,} ({rate:,.0f}/s)"
        )
        sys.stderr.flush()

    def finish(self) -> None:
        if self.done < self.total or self.shown < time.monotonic() - 0.2:
            self.done = min(self.done, self.total)
            self._draw(time.monotonic())
        sys.stderr.write("\n")
