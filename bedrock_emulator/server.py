"""Serve an emulator over HTTP/1.1 (threaded, keep-alive), and the `python -m bedrock_emulator` entry point."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import socket
import sys
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import FrameType
from typing import NoReturn, TextIO

from . import signatures
from .accounts import ACCOUNT_MODES
from .config import DEFAULT_CUSTOM_MODELS, DEFAULT_FOUNDATION_MODELS, CustomModel, EmulatorConfig, custom_model_arn
from .core import Emulator
from .dispatch import RequestHandler
from .faults import FAULTS, PRESETS
from .faults import expand as expand_faults
from .quirks import QUIRKS, expand

log = logging.getLogger(__name__)


# Listen backlog: bursts of 40+ parallel clients connect at once (socketserver's default of 5 stalls them 1-4 s
# in SYN retries).
LISTEN_BACKLOG = 256
DEFAULT_PORT = 5566


class RequestLog:
    """One line a request (time, client, method, path, status, error code, milliseconds) to a text stream."""

    def __init__(self, stream: TextIO | _Tee) -> None:
        self._stream = stream
        self._lock = threading.Lock()

    def write(self, client: str, method: str, path: str, status: int, code: str, seconds: float) -> None:
        stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")[:-4] + "Z"
        line = f"{stamp} {client} {method} {path} {status}{' ' + code if code else ''} {seconds * 1000:.1f}ms\n"
        with self._lock:
            self._stream.write(line)
            self._stream.flush()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = LISTEN_BACKLOG

    def __init__(self, address: tuple[str, int], emulator: RequestHandler, *,
                 request_log: RequestLog | None = None, secret_key: str | None = None) -> None:
        self.emulator = emulator
        self.request_log = request_log
        self.secret_key = secret_key  # None: signatures are not checked
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
        started = time.perf_counter()
        headers_in = dict(self.headers.items())
        refusal = None
        if self.server.secret_key is not None:
            refusal = signatures.check(self.command, path, query, headers_in, body,
                                       secret_key=self.server.secret_key)
        if refusal is not None:
            status, code, message = refusal
            payload = json.dumps({"message": message}).encode()
            headers = {"Content-Type": "application/json", "x-amzn-RequestId": str(uuid.uuid4()),
                       "x-amzn-ErrorType": code}
        else:
            status, headers, payload = self.server.emulator.handle(self.command, path, query, headers_in, body)
        if self.server.request_log is not None:
            code = next((str(v) for k, v in headers.items() if k.lower() == "x-amzn-errortype"), "")
            self.server.request_log.write(self.client_address[0], self.command, self.path, status, code,
                                          time.perf_counter() - started)
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


def start(emulator: RequestHandler, host: str = "127.0.0.1", port: int = 0, *,
          request_log: RequestLog | None = None, check_signatures: str | None = None) -> ServerHandle:
    """Serve `emulator` in a daemon thread; port 0 picks a free port. ``request_log`` logs every request;
    ``check_signatures`` (a secret key) refuses unsigned or badly signed requests as AWS does."""
    server = _Server((host, port), emulator, request_log=request_log, secret_key=check_signatures)
    bound_port = server.server_address[1]
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, name="bedrock-emulator", daemon=True
    )
    thread.start()
    url_host = f"[{host}]" if ":" in host else host
    return ServerHandle(f"http://{url_host}:{bound_port}", host, bound_port, server, thread)


def _model_ids(text: str) -> tuple[str, ...]:
    ids = tuple(part.strip() for part in text.split(",") if part.strip())
    if not ids:
        raise argparse.ArgumentTypeError("expected comma-separated model ids")
    return ids


def _custom_models(text: str) -> tuple[tuple[str, str], ...]:
    pairs = []
    for part in (p.strip() for p in text.split(",") if p.strip()):
        name, sep, base = part.partition("=")
        if not sep or not name or not base:
            raise argparse.ArgumentTypeError(f"expected NAME=BASE_MODEL_ID, got {part!r}")
        pairs.append((name, base))
    return tuple(pairs)


def add_arguments(parser: argparse.ArgumentParser, *, default_port: int = DEFAULT_PORT) -> None:
    """The serve flags, declared once (``bedrock-conformance serve`` and ``python -m bedrock_emulator``)."""
    custom = ", ".join(f"{name}={base}" for name, base in DEFAULT_CUSTOM_MODELS)
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default %(default)s; 0.0.0.0 for every interface)")
    parser.add_argument("--port", type=int, default=default_port,
                        help="port to listen on (default %(default)s; 0 picks a free port)")
    parser.add_argument("--region", default="us-east-1",
                        help="the region the emulator answers for and puts in ARNs (default %(default)s)")
    parser.add_argument("--account-id", default="123456789012",
                        help="the account id in ARNs and STS GetCallerIdentity (default %(default)s)")
    parser.add_argument("--models", type=_model_ids, default=DEFAULT_FOUNDATION_MODELS, metavar="IDS",
                        help="comma-separated foundation model ids a Provisioned Throughput may serve; a model's "
                             "ARN arn:aws:bedrock:REGION::foundation-model/ID is accepted too (default: "
                             f"{', '.join(DEFAULT_FOUNDATION_MODELS)})")
    parser.add_argument("--custom-models", type=_custom_models, default=None, metavar="NAME=BASE,...",
                        help="comma-separated custom models and the foundation model each derives from; each is "
                             "accepted by name or by its ARN arn:aws:bedrock:REGION:ACCOUNT:custom-model/BASE/"
                             f"<12 chars> (-v prints the ARNs) (default: {custom})")
    parser.add_argument("--create-delay", type=float, default=0.0, metavar="S",
                        help="seconds a new Provisioned Throughput stays Creating (default %(default)s)")
    parser.add_argument("--update-delay", type=float, default=0.0, metavar="S",
                        help="seconds an update stays Updating (default %(default)s)")
    parser.add_argument("--latency", type=float, default=0.0, metavar="S",
                        help="seconds every answer takes, as across a network (default %(default)s)")
    parser.add_argument("--throttle-every", type=int, default=0, metavar="N",
                        help="answer every Nth request with ThrottlingException (default 0: never)")
    parser.add_argument("--model-unit-quota", type=int, default=None, metavar="UNITS",
                        help="model units allowed alive at once (ServiceQuotaExceededException beyond; "
                             "default: no quota)")
    parser.add_argument("--fault", action="append", default=[], metavar="NAME[,NAME]",
                        help=f"faulty variants (comma-separated, repeatable), or a preset of many "
                             f"({', '.join(PRESETS)}); one of: {', '.join(FAULTS)}")
    parser.add_argument("--quirk", action="append", default=[], metavar="NAME",
                        help=f"a conformant non-default behaviour (repeatable; 'all' for every one), one of: "
                             f"{', '.join(QUIRKS)}")
    parser.add_argument("--account-mode", action="append", default=[], metavar="NAME[,NAME]",
                        help=f"answer as a real account does (comma-separated, repeatable), one of: "
                             f"{', '.join(ACCOUNT_MODES)}")
    parser.add_argument("--time-scale", type=float, default=1.0, metavar="F",
                        help="with --account-mode slow-creating: real durations times F (default %(default)s; "
                             "0.001 makes 20 minutes 1.2 s)")
    parser.add_argument("--check-signatures", action="store_true",
                        help="refuse unsigned or badly signed requests as AWS does (403 "
                             "MissingAuthenticationTokenException / InvalidSignatureException, 400 "
                             "IncompleteSignatureException); off by default")
    parser.add_argument("--secret-key", default="testing",
                        help="with --check-signatures: the secret access key clients sign with (any access key id "
                             "is accepted; default %(default)s)")
    parser.add_argument("--log", default=None, metavar="FILE",
                        help="append one line per request (method, path, status, error code, time) to FILE")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="log every request to stderr, and print the accepted model ids and custom model ARNs")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bedrock_emulator",
        description="Serve the Bedrock Provisioned Throughput reference emulator over HTTP. Prints its URL once "
                    "serving; stops on Ctrl-C or SIGTERM.",
    )
    add_arguments(parser, default_port=0)
    return parser


def config_from(args: argparse.Namespace) -> EmulatorConfig:
    """The emulator configuration the serve flags describe (ValueError for a bad one)."""
    custom = None
    if args.custom_models is not None:
        custom = tuple(CustomModel(name, custom_model_arn(args.region, args.account_id, name, base), base)
                       for name, base in args.custom_models)
        unknown = sorted({m.base_model_id for m in custom} - set(args.models))
        if unknown:
            raise ValueError(f"custom model base(s) {unknown} are not among --models")
    return EmulatorConfig(
        region=args.region,
        account_id=args.account_id,
        foundation_models=tuple(args.models),
        custom_models=custom,
        faults=expand_faults(args.fault),
        quirks=expand(args.quirk),
        create_delay=args.create_delay,
        update_delay=args.update_delay,
        latency=args.latency,
        throttle_every=args.throttle_every,
        model_unit_quota=args.model_unit_quota,
        account_modes=frozenset(name.strip() for value in args.account_mode for name in value.split(",")
                                if name.strip()),
        time_scale=args.time_scale,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run until SIGINT/SIGTERM; prints the URL (one line) once serving."""
    parser = _parser()
    return serve(parser.parse_args(argv), parser.error)


def serve(args: argparse.Namespace, error: Callable[[str], NoReturn]) -> int:
    """Serve what the flags of ``add_arguments`` describe until SIGINT/SIGTERM; ``error`` reports a bad flag."""
    try:
        config = config_from(args)
    except ValueError as exc:
        error(str(exc))
    streams: list[TextIO] = []
    if args.log:
        try:
            streams.append(open(args.log, "a", encoding="utf-8"))  # noqa: SIM115 - closed below
        except OSError as exc:
            error(f"cannot open --log {args.log}: {exc.strerror}")
    if args.verbose:
        streams.append(sys.stderr)
        sys.stderr.write(f"models: {', '.join(config.foundation_models)}\n")
        for model in config.custom_models or ():
            sys.stderr.write(f"custom model {model.name}: {model.arn} (base {model.base_model_id})\n")
    request_log = RequestLog(_Tee(streams)) if streams else None
    try:
        handle = start(Emulator(config), args.host, args.port, request_log=request_log,
                       check_signatures=args.secret_key if args.check_signatures else None)
    except OSError as exc:
        error(f"cannot listen on {args.host}:{args.port}: {exc.strerror}")
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
        for stream in streams:
            if stream is not sys.stderr:
                stream.close()
    return 0


class _Tee:
    """Write to several streams (the --log file and stderr)."""

    def __init__(self, streams: list[TextIO]) -> None:
        self._streams = streams

    def write(self, text: str) -> None:
        for stream in self._streams:
            stream.write(text)

    def flush(self) -> None:
        for stream in self._streams:
            stream.flush()


if __name__ == "__main__":
    sys.exit(main())
