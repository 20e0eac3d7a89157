"""Serving: a socket bound before anything heavy loads, our FastAPI app in front of Gradio (Host
and Origin allow-list, exact CORS origins, login throttle), and uvicorn on that socket."""

from __future__ import annotations

import errno
import logging
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

LOG = logging.getLogger("qa.serve")


class PortInUseError(OSError):
    """Another process listens on the port."""

    def __init__(self, port: int) -> None:
        super().__init__(errno.EADDRINUSE, f"port {port} is in use; pass --port N")
        self.port = port


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (port 0: any free one); PortInUseError when taken."""
    address = host.strip("[]")
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    try:
        return socket.create_server((address, port), family=family, backlog=2048)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise PortInUseError(port) from None
        raise


def url_of(host: str, port: int) -> str:
    """The address people open in a browser (a wildcard bind is opened as 127.0.0.1)."""
    address = host.strip("[]")
    if address in ("0.0.0.0", "::", ""):
        address = "127.0.0.1"
    shown = f"[{address}]" if ":" in address else address
    return f"http://{shown}:{port}/"


def setup_logging() -> None:
    """Operator messages (failed asks, refused requests) go to the terminal, one line each."""
    log = logging.getLogger("qa.serve")
    if not any(getattr(h, "_qa_serve", False) for h in log.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s qa serve %(levelname)s: %(message)s"))
        handler._qa_serve = True  # type: ignore[attr-defined]
        log.addHandler(handler)
    log.setLevel(logging.INFO)
    for noisy in ("httpx", "httpcore", "openai"):  # they log request URLs at INFO/DEBUG
        logging.getLogger(noisy).setLevel(logging.WARNING)


@dataclass
class RunningServer:
    """A started server: its URL, and close() to stop it."""

    blocks: Any
    server: Any
    thread: threading.Thread | None
    sock: socket.socket
    local_url: str

    def wait(self) -> None:
        """Serve until Ctrl-C (or SIGTERM), then stop."""
        try:
            while self.thread is not None and self.thread.is_alive():
                self.thread.join(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            self.close()

    def close(self) -> None:
        """Stop serving and free the port."""
        self.blocks.close(verbose=False)  # also ends Gradio's heartbeat streams
        self.server.should_exit = True
        if self.thread is not None and self.thread is not threading.current_thread():
            self.thread.join(timeout=15)
        self.sock.close()


def serve(
    app: Any,
    blocks: Any,
    sock: socket.socket,
    url: str,
    ready: Callable[[str], None] | None = None,
) -> RunningServer:
    """Run uvicorn on the bound socket in a thread; returns once it accepts connections."""
    import uvicorn

    config = uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=2, lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the web server stopped while starting; see the messages above")
        time.sleep(0.02)
    if ready:
        ready(url)
    return RunningServer(blocks, server, thread, sock, url)
