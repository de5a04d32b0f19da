"""Showing progress: a bar on a terminal, nothing elsewhere, a file for the upload page."""

import json
import os
import sys
import time
from pathlib import Path

WIDTH = 30


class TerminalBar:
    """Redraws one line on stderr at most ten times a second; quiet unless stderr is a tty."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self.last = 0.0
        self.label = ""
        self.drawn = False

    def __call__(self, label: str, fraction: float) -> None:
        now = time.monotonic()
        if not self.enabled:
            return
        # A new step always shows; within a step, ten redraws a second are plenty.
        if label == self.label and now - self.last < 0.1 and fraction < 1:
            return
        self.last, self.label = now, label
        filled = int(WIDTH * min(fraction, 1))
        bar = "#" * filled + "." * (WIDTH - filled)
        self.stream.write(f"\r[{bar}] {fraction:4.0%}  {label:<40.40}")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()


class ProgressFile:
    """Writes {"label", "fraction"} to a JSON file, once a second at most, for another
    process to read. Atomic (write then rename), so a reader never sees half a file."""

    def __init__(self, path: Path):
        self.path = path
        self.last = 0.0
        self.label = ""

    def __call__(self, label: str, fraction: float) -> None:
        now = time.monotonic()
        if label == self.label and now - self.last < 1 and fraction < 1:
            return
        self.last, self.label = now, label
        partial = self.path.with_suffix(".tmp")
        partial.write_text(json.dumps({"label": label, "fraction": round(fraction, 3)}))
        os.replace(partial, self.path)


def read_progress(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {"label": "Waiting to start", "fraction": 0.0}
