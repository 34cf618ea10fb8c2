"""Run the intake WSGI app on waitress: in the foreground (``tuffops intake serve``) or in
a background thread (tests, benchmarks). A second thread delivers the spool."""

from __future__ import annotations

import secrets
import threading
from pathlib import Path

from waitress.server import create_server

from tuffops_desktop.config.paths import user_data_dir
from tuffops_desktop.db.engine import SessionFactories
from tuffops_desktop.intake.app import MAX_BODY_BYTES, IntakeApp, Limits
from tuffops_desktop.intake.security import FormTokens
from tuffops_desktop.intake.spool import Spool
from tuffops_desktop.services.intake import IntakeGateway

SPOOL_INTERVAL_S = 5.0


def load_secret(folder: Path) -> bytes:
    """The listener's signing secret, created once and kept beside the spool."""
    path = folder / "intake-secret.bin"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(secrets.token_bytes(32))
        tmp.replace(path)
    return path.read_bytes()


class IntakeServer:
    """The listener with its spool-delivery loop; ``start()``/``stop()`` for threads."""

    def __init__(self, db: SessionFactories, *, host: str = "127.0.0.1", port: int = 8765,
                 data_dir: Path | None = None, limits: Limits | None = None, threads: int = 8) -> None:
        folder = data_dir or (user_data_dir() / "intake")
        folder.mkdir(parents=True, exist_ok=True)
        self.app = IntakeApp(IntakeGateway(db), Spool(folder / "spool"), FormTokens(load_secret(folder)), limits=limits)
        self._server = create_server(
            self.app, host=host, port=port, threads=threads, ident="", expose_tracebacks=False,
            max_request_body_size=MAX_BODY_BYTES, max_request_header_size=16 * 1024,
            clear_untrusted_proxy_headers=True, channel_timeout=30, asyncore_loop_timeout=0.2,
        )
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    @property
    def port(self) -> int:
        return self._server.effective_port

    def serve_forever(self) -> None:
        self._start_delivery()
        try:
            self._server.run()
        finally:
            self._stop.set()

    def start(self) -> None:
        thread = threading.Thread(target=self._run_until_stopped, name="intake-http", daemon=True)
        thread.start()
        self._threads.append(thread)
        self._start_delivery()

    def _run_until_stopped(self) -> None:
        try:
            self._server.run()
        except OSError:
            if not self._stop.is_set():  # closing the sockets under a running loop is expected
                raise

    def stop(self) -> None:
        """Finish in-flight requests, then close the sockets and the loop."""
        self._stop.set()
        self._server.task_dispatcher.shutdown(cancel_pending=True, timeout=5)
        self._server.close()
        for thread in self._threads:
            thread.join(timeout=5)

    def _start_delivery(self) -> None:
        def loop() -> None:
            while not self._stop.wait(SPOOL_INTERVAL_S):
                self.app.deliver_spool()

        self.app.deliver_spool()
        thread = threading.Thread(target=loop, name="intake-spool", daemon=True)
        thread.start()
        self._threads.append(thread)
