"""Progress on stderr for runs that take more than a few seconds, only when stderr is a terminal.

One line, rewritten in place (``… drawing dashboard 3 of 7 (12 s)``) and cleared at the end, so
the terminal summary stays as it is; nothing at all when stderr is a file or a pipe (CI logs).
"""

from __future__ import annotations

import sys
import threading
import time
from types import TracebackType
from typing import TextIO

#: Runs shorter than this show no progress at all.
DELAY_SECONDS = 2.0
TICK_SECONDS = 0.5


class Progress:
    """``with Progress() as progress: progress.step("running the program") ...``"""

    def __init__(self, stream: TextIO | None = None, *, delay: float = DELAY_SECONDS) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.delay = delay
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self._label = "starting"
        self._started = time.monotonic()
        self._shown = False
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._tick, name="preview-progress", daemon=True)

    def __enter__(self) -> Progress:
        if self.enabled:
            self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self._done.set()
        if self.enabled:
            self._thread.join()
            with self._lock:
                if self._shown:
                    self.stream.write("\r\033[K")  # clear the line
                    self.stream.flush()

    def step(self, label: str) -> None:
        """What the run is doing now (shown from the next tick on)."""
        with self._lock:
            self._label = label
        self._show()

    def _tick(self) -> None:
        while not self._done.wait(TICK_SECONDS):
            self._show()

    def _show(self) -> None:
        if not self.enabled:
            return
        elapsed = time.monotonic() - self._started
        if elapsed < self.delay or self._done.is_set():
            return
        with self._lock:
            self.stream.write(f"\r\033[K… {self._label} ({elapsed:.0f} s)")
            self.stream.flush()
            self._shown = True
