"""Bolt's listener executor for the console, counting work in flight: the console waits until
the listeners (and their lazy halves) are done before it prints, so that what you see is
everything your input caused."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

__all__ = ["TrackingExecutor"]


class TrackingExecutor(ThreadPoolExecutor):
    """Bolt's listener executor, counting work in flight so the console can wait for it."""

    def __init__(self, max_workers: int = 5) -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix="console-listener")
        self._in_flight = 0
        self._changed = threading.Condition()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        with self._changed:
            self._in_flight += 1

        def tracked() -> Any:
            try:
                return fn(*args, **kwargs)
            finally:
                with self._changed:
                    self._in_flight -= 1
                    self._changed.notify_all()

        return super().submit(tracked)

    @property
    def idle(self) -> bool:
        """Nothing running or queued."""
        with self._changed:
            return self._in_flight == 0

    def wait_idle(self, timeout: float) -> bool:
        """Wait until nothing runs; False on timeout."""
        with self._changed:
            return self._changed.wait_for(lambda: self._in_flight == 0, timeout)
