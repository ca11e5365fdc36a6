"""The acknowledgement leaves before the lazy work starts.

Listeners acknowledge in the request's own thread and leave the slow work to Bolt's lazy
listeners, which Bolt starts on its executor before it returns the response. Started at once,
that work (a database read, rendering, a call to Slack) competes for the interpreter with the
thread still writing the acknowledgement, and Slack waits milliseconds longer for it. So the
HTTP adapter marks each request (`responding`), and the executor given to Bolt
(`AckFirstExecutor`) holds the request's lazy work until its response has been handed to the
server (`ResponseGate.open`, when the server closes the WSGI body), then lets the server's loop
thread send it (`settle`, a millisecond), never holding it longer than `hold` seconds in all.
Requests that do not come over HTTP (Socket Mode, the console) are not marked: their lazy work
starts at once. Measured by `bench/ack_bench.py`: the acknowledgement's median went from 8x a bare
Bolt app acking inline to about 1.3x; the answer itself is not later.

    app = App(..., listener_executor=AckFirstExecutor())
    with responding() as gate:                       # in the WSGI handler
        body = bolt_handler(environ, start_response)
    return OpenedOnClose(body, gate)                 # the server closes it once written
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

__all__ = ["AckFirstExecutor", "OpenedOnClose", "ResponseGate", "responding"]

P = ParamSpec("P")
T = TypeVar("T")

_local = threading.local()


class ResponseGate:
    """Opened once the response to one request has been handed to the server."""

    def __init__(self) -> None:
        self._opened = threading.Event()

    def open(self) -> None:
        """The response is out: held work may start."""
        self._opened.set()

    def wait(self, timeout: float) -> bool:
        """Wait for the response to be out, at most `timeout` seconds; whether it is."""
        return self._opened.wait(timeout)


@contextmanager
def responding() -> Iterator[ResponseGate]:
    """Mark the work this thread submits meanwhile as belonging to a request whose response
    is not out yet; the caller opens the gate once it is (or it opens on any error)."""
    gate = ResponseGate()
    previous = getattr(_local, "gate", None)
    _local.gate = gate
    try:
        yield gate
    except BaseException:
        gate.open()
        raise
    finally:
        _local.gate = previous


class OpenedOnClose:
    """A WSGI response body that opens its gate when the server closes it (after writing it)."""

    def __init__(self, body: Iterable[bytes], gate: ResponseGate) -> None:
        self._body = body
        self._gate = gate

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._body)

    def close(self) -> None:
        """Called by the server once the response is written."""
        try:
            close = getattr(self._body, "close", None)
            if close is not None:
                close()
        finally:
            self._gate.open()


class AckFirstExecutor(Executor):
    """Bolt's listener executor: a thread pool whose tasks, when submitted while a request is
    being answered over HTTP, wait (at most `hold` seconds) for that answer to be handed to the
    server, and `settle` seconds more for the server to send it."""

    def __init__(self, workers: int = 10, hold: float = 0.5, settle: float = 0.001) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="bolt-lazy")
        self._hold = hold
        self._settle = settle

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        """Run `fn` on the pool, once the current request's response is out."""
        gate: ResponseGate | None = getattr(_local, "gate", None)
        if gate is None:
            return self._pool.submit(fn, *args, **kwargs)
        hold = self._hold

        def held() -> T:
            if gate.wait(hold):
                time.sleep(self._settle)   # the server's loop thread sends the bytes
            return fn(*args, **kwargs)

        return self._pool.submit(held)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Stop the pool."""
        self._pool.shutdown(wait, cancel_futures=cancel_futures)

    def __repr__(self) -> str:
        return f"AckFirstExecutor(hold={self._hold})"

