"""Serve an emulator over HTTP/1.1 (threaded, keep-alive), and the `python -m bedrock_emulator` entry point."""

from __future__ import annotations

import argparse
import logging
import signal
import socket
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import FrameType

from .config import EmulatorConfig
from .core import Emulator, RequestHandler
from .faults import FAULTS
from .quirks import QUIRKS, expand

log = logging.getLogger(__name__)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], emulator: RequestHandler) -> None:
        self.emulator = emulator
        super().__init__(address, _RequestHandler)

    def handle_error(self, request: object, client_address: object) -> None:
        # Quiet: a client that hangs up mid-request is not worth a traceback on stderr.
        # socketserver calls this inside its except block, so exc_info is the failure.
        log.debug("connection from %s failed", client_address, exc_info=True)  # noqa: LOG014


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes: without this, Nagle + delayed ACK add ~40 ms a request.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline().strip():  # trailers
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _serve(self) -> None:
        path, _, query = self.path.partition("?")
        try:
            body = self._read_body()
        except ValueError:  # a bad Content-Length or chunk size
            self.send_error(400, "Malformed request framing")
            return
        status, headers, payload = self.server.emulator.handle(
            self.command, path, query, dict(self.headers.items()), body
        )
        self.send_response(status)
        for key, value in headers.items():
            if key.lower() != "content-length":
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = do_HEAD = do_OPTIONS = do_TRACE = _serve


@dataclass
class ServerHandle:
    url: str
    host: str
    port: int
    _server: _Server
    _thread: threading.Thread

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def start(emulator: RequestHandler, host: str = "127.0.0.1", port: int = 0) -> ServerHandle:
    """Serve `emulator` in a daemon thread; port 0 picks a free port."""
    server = _Server((host, port), emulator)
    bound_port = server.server_address[1]
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, name="bedrock-emulator", daemon=True
    )
    thread.start()
    url_host = f"[{host}]" if ":" in host else host
    return ServerHandle(f"http://{url_host}:{bound_port}", host, bound_port, server, thread)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bedrock_emulator",
        description="Serve the Bedrock Provisioned Throughput reference emulator.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument("--account-id", default="123456789012")
    parser.add_argument(
        "--fault", action="append", default=[], metavar="NAME", help=f"one of: {', '.join(FAULTS)}"
    )
    parser.add_argument(
        "--quirk", action="append", default=[], metavar="NAME",
        help=f"a conformant non-default behaviour ('all' for every one), one of: {', '.join(QUIRKS)}",
    )
    parser.add_argument("--create-delay", type=float, default=0.0, metavar="S")
    parser.add_argument("--update-delay", type=float, default=0.0, metavar="S")
    parser.add_argument("--throttle-every", type=int, default=0, metavar="N")
    parser.add_argument("--model-unit-quota", type=int, default=None, metavar="UNITS")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run until SIGINT/SIGTERM; prints the URL (one line) once serving."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        config = EmulatorConfig(
            region=args.region,
            account_id=args.account_id,
            faults=frozenset(args.fault),
            quirks=expand(args.quirk),
            create_delay=args.create_delay,
            update_delay=args.update_delay,
            throttle_every=args.throttle_every,
            model_unit_quota=args.model_unit_quota,
        )
    except ValueError as exc:
        parser.error(str(exc))
    handle = start(Emulator(config), args.host, args.port)
    stopping = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    previous = {signum: signal.signal(signum, _stop) for signum in (signal.SIGINT, signal.SIGTERM)}
    print(handle.url, flush=True)
    try:
        while not stopping.wait(0.5):
            pass
    finally:
        handle.stop()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return 0


if __name__ == "__main__":
    sys.exit(main())
