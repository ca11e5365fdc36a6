"""A small TCP proxy on loopback, to take a database away from its clients without stopping it.

    with TcpProxy("127.0.0.1", 5432) as proxy:   # clients connect to proxy.port
        proxy.cut()          # every connection dropped, new ones refused
        proxy.black_hole()   # every connection dropped, new ones accepted but never answered
        proxy.freeze()       # open connections kept but silent both ways (half-open), new ones
                             # accepted but never answered
        proxy.restore()      # forwarding again on the same port; connections held silent by a
                             # black hole or a freeze are dropped (the far side is long gone)

Threads forward bytes both ways; `cut` closes the listening socket (so a connect is refused) and
shuts every forwarded socket down, as a database restart or a network outage would. A black hole
or a freeze is what a dead load balancer or a partition looks like from the client: the kernel
still accepts the connection and its bytes, and nothing ever comes back.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from types import TracebackType

__all__ = ["TcpProxy"]


class TcpProxy:
    """Forward 127.0.0.1:`port` (chosen when started) to `upstream_host`:`upstream_port`."""

    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.port = 0
        self.accepted = 0
        self.held = 0
        self._listener: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self._silent: set[socket.socket] = set()   # accepted, never forwarded
        self._lock = threading.Lock()
        self._up = threading.Event()
        self._flowing = threading.Event()
        self._flowing.set()
        self._holding = False

    def __enter__(self) -> TcpProxy:
        self.restore()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.cut()

    def restore(self) -> None:
        """Forward again: listen (again, on the same port) if cut; drop whatever a black hole or
        a freeze held."""
        with self._lock:
            self._holding = False
            held = self._silent
            self._silent = set()
            if not self._flowing.is_set():      # after a freeze: the held connections are dead
                held |= self._sockets
                self._sockets = set()
        for sock in held:
            _close(sock)
        self._flowing.set()
        if self._listener is not None:
            return
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._up.set()
        threading.Thread(target=self._accept, args=(listener,), daemon=True,
                         name="proxy-accept").start()

    def cut(self) -> None:
        """Refuse new connections and drop every open one."""
        self._up.clear()
        listener, self._listener = self._listener, None
        if listener is not None:
            _close(listener)
        self._drop_all()
        self._flowing.set()   # pumps waiting on a freeze see their sockets closed and end

    def black_hole(self) -> None:
        """Drop every open connection; accept new ones and never answer them."""
        with self._lock:
            self._holding = True
        self._drop_all()

    def freeze(self) -> None:
        """Stop forwarding both ways, silently: open connections stay open (half-open) and new
        ones are accepted and never answered."""
        with self._lock:
            self._holding = True
            self._flowing.clear()

    def _drop_all(self) -> None:
        with self._lock:
            sockets = self._sockets | self._silent
            self._sockets, self._silent = set(), set()
        for sock in sockets:
            _close(sock)

    def _accept(self, listener: socket.socket) -> None:
        while self._up.is_set():
            try:
                client, _ = listener.accept()
            except OSError:
                return  # the listener was closed
            with self._lock:
                if self._holding:
                    self._silent.add(client)
                    self.held += 1
                    continue
            try:
                server = socket.create_connection(self.upstream, timeout=5)
                server.settimeout(None)
            except OSError:
                _close(client)
                continue
            with self._lock:
                if not self._up.is_set() or self._listener is not listener or self._holding:
                    _close(client)
                    _close(server)
                    continue
                self._sockets |= {client, server}
                self.accepted += 1
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True,
                                 name="proxy-pump").start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while True:
                data = source.recv(65536)
                self._flowing.wait()    # frozen: neither the bytes nor a close go through
                if not data:
                    break
                with self._lock:
                    alive = source in self._sockets and target in self._sockets
                if not alive:
                    break
                target.sendall(data)
        except OSError:
            pass
        finally:
            with self._lock:
                self._sockets -= {source, target}
            _close(source)
            _close(target)


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        sock.close()
