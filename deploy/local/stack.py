#!/usr/bin/env python3
"""Hromada local development stack, without Docker.

Run from the repository root with the project's Python::

    .venv/bin/python deploy/local/stack.py up [--infra]   # fetch/build (cached), start, wait
    .venv/bin/python deploy/local/stack.py status         # one JSON object on stdout
    .venv/bin/python deploy/local/stack.py down           # stop everything, keep data
    .venv/bin/python deploy/local/stack.py clean          # down, then wipe .stack/
    .venv/bin/python deploy/local/stack.py start|stop [--kill] COMPONENT...
    .venv/bin/python deploy/local/stack.py logs COMPONENT # path of its log file
    .venv/bin/python deploy/local/stack.py env            # the environment services get

Components (all on 127.0.0.1): kafka (9092, controller 9093), postgres (5439), mongodb =
FerretDB over PostgreSQL, or over SQLite with HROMADA_STACK_DB=sqlite (27017), s3 = MinIO
(9000), traces = Jaeger v2 (OTLP 4317/4318, query API 16686), smtp sink (1025), gateway (8000),
the services appeals 8101, petitions 8102, budget 8103, queue 8104, payments 8105, notify 8106,
payments_sandbox (8107), which plays the LiqPay payment provider, and notify_sinks (8108),
which play SMS providers and the Telegram Bot API.

State, pids and logs live under ``<repo>/.stack/``; downloads and builds are cached outside
the repository under ``${HROMADA_CACHE:-~/.cache/hromada}``, keyed by version.

Only the standard library is used here, so the file can also be imported (by tests, say) for
``stack_env()`` and the health checks.
"""

# This file launches local tools by design (subprocesses with computed paths), and makes
# copies out of the read-only Go module cache writable:
# ruff: noqa: S603, S607, S103

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import stat
import struct
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from base64 import urlsafe_b64encode
from collections.abc import Callable, Iterator
from pathlib import Path

# --------------------------------------------------------------------------- layout

REPO = Path(__file__).resolve().parents[2]
HERE = REPO / "deploy" / "local"
STACK = REPO / ".stack"
LOGS = STACK / "logs"
DATA = STACK / "data"
RUN = STACK / "run"
MAIL = STACK / "mail"
ENV_FILE = STACK / "env"
HOST = "127.0.0.1"


def cache_dir() -> Path:
    raw = os.environ.get("HROMADA_CACHE") or str(Path.home() / ".cache" / "hromada")
    return Path(raw).expanduser().resolve()


CACHE = cache_dir()

# Versions: the cache is keyed by these, so bumping one builds/fetches the new one once.
KAFKA_VERSION = "4.1.1"
FERRETDB_VERSION = "v1.24.0"  # pinned in deploy/local/ferretdb/go.mod
MINIO_MODULE = "github.com/minio/minio"
MINIO_VERSION = "v0.0.0-20260212201848-7aac2a2c5b7c"  # last commit; the repo is archived
VERSITYGW_MODULE = "github.com/versity/versitygw"
VERSITYGW_VERSION = "v1.8.0"  # fallback S3 server if MinIO cannot be built
JAEGER_MODULE = "github.com/jaegertracing/jaeger"
JAEGER_VERSION = "v1.76.0"  # same commit as Jaeger v2.13.0; cmd/jaeger is the v2 binary

# PostgreSQL comes before FerretDB, which stores its collections in it.
INFRA = ("kafka", "postgres", "mongodb", "s3", "traces", "smtp")
POSTGRES_PORT = 5439  # not 5432, so a system PostgreSQL on this machine does not clash
SERVICE_PORTS = {
    "appeals": 8101,
    "petitions": 8102,
    "budget": 8103,
    "queue": 8104,
    "payments": 8105,
    "notify": 8106,
}
GATEWAY_PORT = 8000
# Local stand-ins for outside providers, started with the services.
SANDBOX_PORTS = {
    "payments_sandbox": 8107,  # plays LiqPay's checkout, callbacks and statements
    "notify_sinks": 8108,  # SMS providers and the Telegram Bot API, keeping what they get
}
SANDBOX_MODULES = {
    "payments_sandbox": "services.payments.sandbox",
    "notify_sinks": "services.notify.sinks",
}
# Frontends reach the suite only through the gateway's public API (`python -m <name>`).
FRONTEND_PORTS = {
    "web": 8110,  # the resident's cabinet and the back office; the gateway serves it at /app/
    "bot": 8109,  # the messenger bot: Telegram webhooks through the gateway, answers to the sink
}
STATUS_ORDER = ("gateway", *INFRA, *SERVICE_PORTS, *SANDBOX_PORTS, *FRONTEND_PORTS)

TICK_SECONDS = 10.0


DEV_BOT_TENANTS = ("chernivtsi", "uzhhorod", "kamianske")


def dev_telegram_bots() -> dict[str, str]:
    """One dev Telegram bot per demo council, for `bot` (token, webhook secret, username) and
    notify (token). Nested variables, not JSON: the env file is sourced by shells."""
    bots: dict[str, str] = {}
    for tenant in DEV_BOT_TENANTS:
        prefix = f"HROMADA_TELEGRAM_BOTS__{tenant.upper()}__"
        bots[prefix + "TOKEN"] = f"dev-{tenant}-bot-token"
        bots[prefix + "SECRET"] = f"dev-{tenant}-webhook-secret"
        bots[prefix + "USERNAME"] = f"hromada_{tenant}_bot"
    return bots


def stack_env() -> dict[str, str]:
    """The environment every Python process of the stack gets (callers may override any)."""
    defaults = {
        "HROMADA_ENV": "dev",
        "HROMADA_MONGO_URL": f"mongodb://{HOST}:27017/",
        "HROMADA_KAFKA_BOOTSTRAP": f"{HOST}:9092",
        "HROMADA_S3_ENDPOINT": f"{HOST}:9000",
        "HROMADA_S3_ACCESS_KEY": "hromada",
        "HROMADA_S3_SECRET_KEY": "hromada-dev-secret",
        "HROMADA_OTLP_ENDPOINT": f"http://{HOST}:4318",
        "HROMADA_SMTP_HOST": HOST,
        "HROMADA_SMTP_PORT": "1025",
        "HROMADA_JWT_ISSUER": f"http://{HOST}:{GATEWAY_PORT}",
        "HROMADA_JWT_AUDIENCE": "hromada",
        "HROMADA_JWKS_URL": f"http://{HOST}:{GATEWAY_PORT}/.well-known/jwks.json",
        "HROMADA_DEV_KEY_FILE": str(DATA / "gateway" / "dev-signing-key.json"),
        "HROMADA_LOG_FORMAT": "json",
        **dev_telegram_bots(),
    }
    return {key: os.environ.get(key, value) for key, value in defaults.items()}


def write_env_file() -> None:
    STACK.mkdir(parents=True, exist_ok=True)
    text = "".join(f"{k}={v}\n" for k, v in stack_env().items())
    atomic_write(ENV_FILE, text)


# --------------------------------------------------------------------------- output


def say(msg: str) -> None:
    """Progress goes to stderr; stdout is kept for `status`, `logs` and `env`."""
    print(f"[stack] {msg}", file=sys.stderr, flush=True)


def fmt_secs(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"


@contextlib.contextmanager
def ticker(what: str, log: Path | None = None, every: float = TICK_SECONDS) -> Iterator[None]:
    """Print an elapsed-time line every `every` seconds while the body runs."""
    start = time.monotonic()
    done = threading.Event()

    def run() -> None:
        while not done.wait(every):
            extra = f" (log: {log})" if log else ""
            say(f"  ... {what}: {fmt_secs(time.monotonic() - start)} elapsed{extra}")

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


class StackError(Exception):
    def __init__(self, component: str, message: str, log: Path | None = None) -> None:
        super().__init__(message)
        self.component = component
        self.message = message
        self.log = log

    def report(self) -> str:
        lines = [f"ERROR [{self.component}]: {self.message}"]
        if self.log is not None:
            lines.append(f"  log file: {self.log}")
            tail = tail_lines(self.log, 20)
            if tail:
                lines.append("  last lines of the log:")
                lines.extend(f"    | {line}" for line in tail)
        return "\n".join(lines)


def tail_lines(path: Path, count: int) -> list[str]:
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(0, size - 64 * 1024))
            data = fh.read()
    except OSError:
        return []
    lines = data.decode("utf-8", "replace").splitlines()
    # Each start writes a "=== ... starting" header: show only the latest attempt's lines.
    marks = [i for i, line in enumerate(lines) if line.startswith("=== ")]
    if marks:
        lines = lines[marks[-1] :]
    return lines[-count:]


# --------------------------------------------------------------------------- small helpers


def atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def sha256_files(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.name.encode() + b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def rmtree(path: Path) -> None:
    """Remove a tree, including read-only parts (copies out of Go's module cache)."""

    def onerror(func: Callable[..., object], p: str, _exc: object) -> None:
        with contextlib.suppress(OSError):
            os.chmod(os.path.dirname(p), 0o755)
            os.chmod(p, 0o755)
        func(p)

    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path, onerror=onerror)


def rotate_log(path: Path, limit: int = 50 * 1024 * 1024) -> None:
    with contextlib.suppress(OSError):
        if path.stat().st_size > limit:
            os.replace(path, path.with_suffix(path.suffix + ".1"))


@contextlib.contextmanager
def file_lock(path: Path, what: str) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say(f"waiting for {what} (another stack.py holds {path}) ...")
            fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def build_lock() -> contextlib.AbstractContextManager[None]:
    """One download/build at a time per cache (Go builds are CPU heavy)."""
    return file_lock(CACHE / "locks" / "build.lock", "another download/build into the cache")


def run_logged(
    cmd: list[str],
    *,
    component: str,
    what: str,
    log: Path,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
) -> None:
    """Run a (long) command with its output in `log` and a progress ticker on stderr."""
    log.parent.mkdir(parents=True, exist_ok=True)
    say(f"{what} ... (output in {log})")
    start = time.monotonic()
    with open(log, "ab") as fh:
        stamp = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        fh.write(f"\n=== {stamp} (cwd {cwd or os.getcwd()}) $ {' '.join(cmd)}\n".encode())
        fh.flush()
        with ticker(what, log):
            try:
                rc = subprocess.run(
                    cmd,
                    cwd=cwd,
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=fh,
                    stderr=subprocess.STDOUT,
                    check=False,
                ).returncode
            except OSError as exc:
                raise StackError(component, f"{what}: cannot run {cmd[0]}: {exc}", log) from exc
    if rc != 0:
        raise StackError(component, f"{what} failed (exit code {rc})", log)
    say(f"{what}: done in {fmt_secs(time.monotonic() - start)}")


# --------------------------------------------------------------------------- toolchains

_tool_cache: dict[str, str] = {}


def apt_install(packages: list[str], component: str) -> None:
    log = LOGS / "build-apt.log"
    if shutil.which("apt-get") is None:
        raise StackError(component, f"please install {' '.join(packages)} (no apt-get here)")
    prefix = [] if os.geteuid() == 0 else ["sudo", "-n"]
    if prefix and shutil.which("sudo") is None:
        raise StackError(component, f"please run as root: apt-get install -y {' '.join(packages)}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run_logged(
        [*prefix, "apt-get", "update"],
        component=component,
        what="apt-get update",
        log=log,
        env=env,
    )
    run_logged(
        [*prefix, "apt-get", "install", "-y", "--no-install-recommends", *packages],
        component=component,
        what=f"apt-get install {' '.join(packages)}",
        log=log,
        env=env,
    )


def java_major(java: str) -> int:
    try:
        out = subprocess.run(
            [java, "-version"], capture_output=True, text=True, timeout=30, check=False
        ).stderr
    except (OSError, subprocess.TimeoutExpired):
        return 0
    match = re.search(r'version "(\d+)(?:\.(\d+))?', out)
    if not match:
        return 0
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major


def find_java() -> str | None:
    candidates = [shutil.which("java") or ""]
    candidates += sorted(str(p) for p in Path("/usr/lib/jvm").glob("*/bin/java"))
    for java in candidates:
        if java and os.access(java, os.X_OK) and java_major(java) >= 17:
            return java
    return None


def ensure_java(component: str, need_maven: bool) -> str:
    if "java" in _tool_cache and (not need_maven or shutil.which("mvn")):
        return _tool_cache["java"]
    java = find_java()
    missing: list[str] = []
    if java is None:
        missing.append(pick_java_package())
    if need_maven and shutil.which("mvn") is None:
        missing.append("maven")
    if missing:
        say(f"installing {' '.join(missing)} with apt-get (needed for {component}) ...")
        apt_install(missing, component)
        java = find_java()
    if java is None:
        raise StackError(component, "Java 17 or newer is needed (openjdk-17-jre-headless)")
    if need_maven and shutil.which("mvn") is None:
        raise StackError(component, "Maven is needed (apt-get install maven)")
    _tool_cache["java"] = java
    return java


def pick_java_package() -> str:
    """openjdk-17 on Debian 12; Debian 13 ships 21 only (Kafka runs on 17+)."""
    for pkg in ("openjdk-17-jre-headless", "openjdk-21-jre-headless"):
        out = (
            subprocess.run(
                ["apt-cache", "policy", pkg], capture_output=True, text=True, check=False
            ).stdout
            if shutil.which("apt-cache")
            else ""
        )
        if "Candidate:" in out and "Candidate: (none)" not in out:
            return pkg
    return "openjdk-17-jre-headless"


def ensure_go(component: str) -> str:
    if "go" in _tool_cache:
        return _tool_cache["go"]
    go = shutil.which("go")
    if go is None and os.access("/usr/local/go/bin/go", os.X_OK):
        go = "/usr/local/go/bin/go"
    if go is None:
        raise StackError(
            component,
            "Go is not installed, and it is needed to build FerretDB, MinIO and Jaeger. "
            "Install Go >= 1.24 (the official Linux tarball unpacked into /usr/local/go, "
            "then add /usr/local/go/bin to PATH); Debian's golang-go (1.19) is too old.",
        )
    out = subprocess.run([go, "version"], capture_output=True, text=True, check=False).stdout
    match = re.search(r"go(\d+)\.(\d+)", out)
    version = (int(match.group(1)), int(match.group(2))) if match else (0, 0)
    if version < (1, 21):
        raise StackError(
            component,
            f"{go} is {out.strip() or 'unknown'}, too old: install Go >= 1.24 into "
            "/usr/local/go (Debian's golang-go is too old for these builds).",
        )
    _tool_cache["go"] = go
    return go


def go_env(go: str, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{Path(go).parent}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("GO111MODULE", "on")
    env.update(extra)
    return env


# --------------------------------------------------------------------------- processes


def proc_stat(pid: int) -> tuple[str, int] | None:
    """(state, start time in clock ticks) of a process, or None if there is none."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rfind(")") + 2 :].split()
    return fields[0], int(fields[19])


def pid_alive(pid: int, starttime: int | None = None) -> bool:
    info = proc_stat(pid)
    if info is None or info[0] in ("Z", "X"):
        return False
    return starttime is None or info[1] == starttime


def port_open(port: int, host: str = HOST, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def port_owner(port: int) -> tuple[int, str] | None:
    """Best effort: (pid, command line) of whoever listens on `port` (needs /proc access)."""
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            if len(parts) > 9 and parts[3] == "0A" and int(parts[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(parts[9])
    if not inodes:
        return None
    targets = {f"socket:[{inode}]" for inode in inodes}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            for fd in (proc / "fd").iterdir():
                with contextlib.suppress(OSError):
                    if os.readlink(fd) in targets:
                        cmd = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                        return int(proc.name), cmd.strip()
        except OSError:
            continue
    return None


# --------------------------------------------------------------------------- health checks


_NO_PROXY_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def http_ok(url: str, timeout: float = 2.0) -> bool:
    try:
        with _NO_PROXY_OPENER.open(url, timeout=timeout) as resp:
            return resp.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


def _recv_exact(sock: socket.socket, size: int) -> bytes:
    buf = bytearray()
    while len(buf) < size:
        chunk = sock.recv(size - len(buf))
        if not chunk:
            raise ConnectionError("connection closed")
        buf += chunk
    return bytes(buf)


def kafka_brokers(host: str = HOST, port: int = 9092, timeout: float = 2.0) -> list[int]:
    """Ids of the brokers a Kafka Metadata (v4) request reports; raises on failure.

    The broker only accepts client connections once it has caught up with the metadata
    quorum, so a non-empty answer means it is ready for producers and consumers.
    """
    client_id = b"hromada-stack"
    header = struct.pack(">hhih", 3, 4, 7, len(client_id)) + client_id
    body = struct.pack(">i", 0) + b"\x00"  # no topics; allow_auto_topic_creation=false
    request = header + body
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.settimeout(timeout)
        sock.sendall(struct.pack(">i", len(request)) + request)
        (size,) = struct.unpack(">i", _recv_exact(sock, 4))
        data = _recv_exact(sock, size)
    correlation, _throttle, count = struct.unpack_from(">iii", data, 0)
    if correlation != 7:
        raise ValueError("unexpected correlation id")
    offset, brokers = 12, []
    for _ in range(count):
        node_id, host_len = struct.unpack_from(">ih", data, offset)
        offset += 6 + host_len
        _port, rack_len = struct.unpack_from(">ih", data, offset)
        offset += 6 + max(rack_len, 0)
        brokers.append(node_id)
    return brokers


def kafka_ready(port: int = 9092) -> bool:
    try:
        return len(kafka_brokers(port=port)) > 0
    except (OSError, ValueError, struct.error):
        return False


def _bson_ping() -> bytes:
    elements = b"\x10ping\x00" + struct.pack("<i", 1)
    elements += b"\x02$db\x00" + struct.pack("<i", 6) + b"admin\x00"
    return struct.pack("<i", 4 + len(elements) + 1) + elements + b"\x00"


def mongo_ping(port: int = 27017, timeout: float = 2.0) -> bool:
    """MongoDB `ping` over a raw OP_MSG; true when the server answers ok: 1."""
    doc = _bson_ping()
    payload = struct.pack("<I", 0) + b"\x00" + doc
    message = struct.pack("<iiii", 16 + len(payload), 1, 0, 2013) + payload
    try:
        with socket.create_connection((HOST, port), timeout=timeout) as sock:
            sock.settimeout(timeout)
            sock.sendall(message)
            (length,) = struct.unpack("<i", _recv_exact(sock, 4))
            reply = _recv_exact(sock, length - 4)
    except (OSError, struct.error):
        return False
    ok_values = (
        b"\x01ok\x00" + struct.pack("<d", 1.0),
        b"\x10ok\x00" + struct.pack("<i", 1),
        b"\x12ok\x00" + struct.pack("<q", 1),
    )
    return any(value in reply for value in ok_values)


def smtp_banner(port: int = 1025, timeout: float = 2.0) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=timeout) as sock:
            sock.settimeout(timeout)
            banner = b""
            while b"\r\n" not in banner and len(banner) < 1024:
                chunk = sock.recv(1024)
                if not chunk:
                    break
                banner += chunk
            with contextlib.suppress(OSError):
                sock.sendall(b"QUIT\r\n")
                sock.recv(1024)
            return banner.startswith(b"220")
    except OSError:
        return False


# --------------------------------------------------------------------------- components


class Component:
    name: str = ""
    ports: tuple[int, ...] = ()
    # Substrings of the command line of this component when another checkout's stack runs
    # it (infrastructure only: such a server is shared rather than reported as a clash).
    signature: tuple[str, ...] = ()
    start_timeout: float = 60.0
    stop_timeout: float = 20.0

    # --- describing
    @property
    def url(self) -> str:
        raise NotImplementedError

    def status_extra(self) -> dict[str, object]:
        return {}

    def skip_reason(self) -> str | None:
        """Why this component cannot be started at all right now (None: it can)."""
        return None

    def pending_work(self) -> str | None:
        """What a start would first download or build (None: all cached)."""
        return None

    # --- running
    def prepare(self) -> None:
        """Fetch/build what is missing, write config files."""

    def command(self) -> list[str]:
        raise NotImplementedError

    def environment(self) -> dict[str, str]:
        return dict(os.environ)

    def cwd(self) -> Path:
        return REPO

    def healthy(self) -> bool:
        raise NotImplementedError

    def on_ready(self) -> None:
        """Runs once after a start of ours turned healthy (set-up that needs the server up)."""

    # --- files
    @property
    def log(self) -> Path:
        return LOGS / f"{self.name}.log"

    @property
    def pidfile(self) -> Path:
        return RUN / f"{self.name}.pid"

    @property
    def metafile(self) -> Path:
        return RUN / f"{self.name}.json"

    @property
    def data(self) -> Path:
        return DATA / self.name

    def running_pid(self) -> int | None:
        """Pid of our live process for this component (checks against pid reuse)."""
        try:
            pid = int(self.pidfile.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None
        starttime = None
        with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
            starttime = int(json.loads(self.metafile.read_text())["starttime"])
        return pid if pid_alive(pid, starttime) else None

    def forget(self) -> None:
        for path in (self.pidfile, self.metafile):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()


class Kafka(Component):
    name = "kafka"
    ports = (9092, 9093)
    signature = ("kafka.Kafka", "/.stack/data/kafka/config/server.properties")
    start_timeout = 120.0
    stop_timeout = 45.0

    home = CACHE / f"kafka-{KAFKA_VERSION}"
    libs = home / "libs"
    pom = HERE / "kafka" / "pom.xml"

    @property
    def url(self) -> str:
        return f"{HOST}:9092"

    @property
    def config_dir(self) -> Path:
        return self.data / "config"

    @property
    def log_dir(self) -> Path:
        return self.data / "logs"

    def _pom_digest(self) -> str:
        return sha256_files([self.pom])

    def _libs_current(self) -> bool:
        stamp = self.home / "libs.pom-sha256"
        try:
            return self.libs.is_dir() and stamp.read_text().strip() == self._pom_digest()
        except OSError:
            return False

    def pending_work(self) -> str | None:
        if self._libs_current():
            return None
        return f"Kafka {KAFKA_VERSION} jars from Maven Central (about 45 MB)"

    def prepare(self) -> None:
        if not self._libs_current():
            with build_lock():
                if not self._libs_current():
                    self._fetch_libs()
        self.java = ensure_java(self.name, need_maven=False)
        self._write_config()
        if not (self.log_dir / "meta.properties").exists():
            self._format()

    def _fetch_libs(self) -> None:
        ensure_java(self.name, need_maven=True)
        mvn = shutil.which("mvn") or "mvn"
        partial = self.home / "libs.partial"
        rmtree(partial)
        self.home.mkdir(parents=True, exist_ok=True)
        run_logged(
            [
                mvn,
                "-B",
                "-ntp",
                f"-Dmaven.repo.local={CACHE / 'm2'}",
                "-f",
                str(self.pom),
                "dependency:copy-dependencies",
                f"-DoutputDirectory={partial}",
                "-DincludeScope=runtime",
            ],
            component=self.name,
            what=f"downloading Kafka {KAFKA_VERSION} jars with Maven",
            log=LOGS / "build-kafka.log",
            cwd=self.pom.parent,
        )
        rmtree(self.libs)
        partial.rename(self.libs)
        (self.home / "libs.pom-sha256").write_text(self._pom_digest() + "\n")

    def _write_config(self) -> None:
        props = f"""\
# Written by deploy/local/stack.py on every start; edit the script, not this file.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@{HOST}:9093
listeners=PLAINTEXT://{HOST}:9092,CONTROLLER://{HOST}:9093
advertised.listeners=PLAINTEXT://{HOST}:9092
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs={self.log_dir}
auto.create.topics.enable=true
num.partitions=3
default.replication.factor=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
min.insync.replicas=1
group.initial.rebalance.delay.ms=0
log.retention.hours=168
# A restart after a crash waits for the old broker session to expire: keep that short.
broker.session.timeout.ms=3000
broker.heartbeat.interval.ms=1000
"""
        log4j = """\
# Written by deploy/local/stack.py: everything to stdout, which is the component's log file.
status = warn
name = hromada-kafka
# Kafka logs its own orderly shutdown; keep log4j's hook from closing the log first.
shutdownHook = disable
appender.out.type = Console
appender.out.name = STDOUT
appender.out.target = SYSTEM_OUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = STDOUT
logger.statechange.name = state.change.logger
logger.statechange.level = WARN
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.zookeeper.name = org.apache.zookeeper
logger.zookeeper.level = WARN
"""
        atomic_write(self.config_dir / "server.properties", props)
        atomic_write(self.config_dir / "log4j2.properties", log4j)

    def _format(self) -> None:
        id_file = self.data / "cluster-id"
        if not id_file.exists():
            cluster_id = urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode()
            atomic_write(id_file, cluster_id + "\n")
        cluster_id = id_file.read_text().strip()
        self.log_dir.mkdir(parents=True, exist_ok=True)
        run_logged(
            [
                self.java,
                "-Xmx256m",
                *self._log4j_args(),
                "-cp",
                f"{self.libs}/*",
                "kafka.tools.StorageTool",
                "format",
                "--ignore-formatted",
                "-t",
                cluster_id,
                "-c",
                str(self.config_dir / "server.properties"),
            ],
            component=self.name,
            what="formatting Kafka storage (first start)",
            log=self.log,
        )

    def _log4j_args(self) -> list[str]:
        return [f"-Dlog4j2.configurationFile={self.config_dir / 'log4j2.properties'}"]

    def command(self) -> list[str]:
        return [
            self.java,
            "-Xms256m", "-Xmx512m",
            "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
            "-XX:+ExitOnOutOfMemoryError",
            "-Djava.awt.headless=true",
            *self._log4j_args(),
            "-cp", f"{self.libs}/*",
            "kafka.Kafka", str(self.config_dir / "server.properties"),
        ]  # fmt: skip

    def healthy(self) -> bool:
        return kafka_ready(9092)


def mongo_backend() -> str:
    """FerretDB's backend: PostgreSQL by default; HROMADA_STACK_DB=sqlite for the lighter one.

    Why PostgreSQL: FerretDB v1 over SQLite uses an index only for inserts and `{_id: x}`
    reads, so every other query, update and delete scans its collection (about 100 ms at a
    few thousand documents). Over PostgreSQL filters and sorts are pushed down to SQL and the
    same appeal submission runs about seven times faster.
    """
    return "sqlite" if os.environ.get("HROMADA_STACK_DB", "").lower() == "sqlite" else "postgresql"


def postgres_bin_dir() -> Path | None:
    """The newest installed PostgreSQL server's bin directory (Debian's layout), if any."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/postgres"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if found:
        return found[-1].parent
    on_path = shutil.which("postgres")
    return Path(on_path).parent if on_path else None


class Postgres(Component):
    """PostgreSQL, FerretDB's storage: Debian's server binaries on a data dir of our own."""

    name = "postgres"
    ports = (POSTGRES_PORT,)
    signature = ("postgres", "/.stack/data/postgres")
    start_timeout = 60.0
    stop_timeout = 30.0
    user = "ferret"

    # FerretDB v1 may hold one pooled connection while it waits for a second, so a pool that
    # is smaller than twice the operations in flight can deadlock (seen at its default of
    # 50). The services bound their own concurrency (`mongo_max_pool_size`); these leave room.
    max_connections = 600
    ferretdb_pool = 500

    @property
    def url(self) -> str:
        return (
            f"postgres://{self.user}@{HOST}:{POSTGRES_PORT}/postgres"
            f"?pool_max_conns={self.ferretdb_pool}"
        )

    @property
    def data(self) -> Path:
        """Under .stack/ unless the server's user could not reach it there (a checkout in
        root's home, say): then in the system's temp dir, named after this checkout."""
        inside = DATA / self.name
        if os.geteuid() != 0 or all(
            os.stat(d).st_mode & 0o001 for d in inside.parents if d.exists()
        ):
            return inside
        tag = hashlib.sha256(str(STACK).encode()).hexdigest()[:12]
        return Path("/var/tmp") / f"hromada-postgres-{tag}"  # noqa: S108 (named, root-owned)

    def skip_reason(self) -> str | None:
        return "HROMADA_STACK_DB=sqlite" if mongo_backend() == "sqlite" else None

    def pending_work(self) -> str | None:
        return None if postgres_bin_dir() else "PostgreSQL server (apt-get install postgresql)"

    def _bin(self, tool: str) -> str:
        bin_dir = postgres_bin_dir()
        if bin_dir is None:
            raise StackError(self.name, "PostgreSQL is not installed")
        return str(bin_dir / tool)

    def _as_server_user(self) -> list[str]:
        """PostgreSQL refuses to run as root: there it runs as the `postgres` system user
        (created by the Debian package). setpriv execs, so the pid we record is the server's."""
        if os.geteuid() != 0:
            return []
        return ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"]

    def prepare(self) -> None:
        if postgres_bin_dir() is None:
            apt_install(["postgresql"], self.name)
        if (self.data / "PG_VERSION").exists():
            return
        self.data.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.data, "postgres", "postgres")
        run_logged(
            [
                *self._as_server_user(),
                self._bin("initdb"),
                "-D",
                str(self.data),
                "-U",
                self.user,
                "--auth=trust",  # local development only, listening on 127.0.0.1
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ],
            component=self.name,
            what="creating the PostgreSQL data directory (initdb)",
            log=self.log,
        )

    def command(self) -> list[str]:
        return [
            *self._as_server_user(),
            self._bin("postgres"),
            "-D",
            str(self.data),
            "-p",
            str(POSTGRES_PORT),
            "-c",
            f"listen_addresses={HOST}",
            "-c",
            "unix_socket_directories=",
            "-c",
            f"max_connections={self.max_connections}",
            # Plan each statement with its values, so FerretDB's `_jsonb -> $1 @> $2` filters
            # match the GIN twins of its indexes (see postgres/gin-mirror.sql).
            "-c",
            "plan_cache_mode=force_custom_plan",
            "-c",
            "shared_buffers=256MB",
            # A kill -9 of the server loses nothing without fsync (the kernel keeps what was
            # written); only a crash of the whole machine would, which a dev stack accepts.
            "-c",
            "fsync=off",
            "-c",
            "full_page_writes=off",
        ]

    def on_ready(self) -> None:
        # Idempotent: (re)installs the trigger that gives FerretDB's indexes GIN twins.
        script = HERE / "postgres" / "gin-mirror.sql"
        psql = [self._bin("psql"), "-q", "-v", "ON_ERROR_STOP=1", "-d", "postgres"]
        run_logged(
            [*psql, *self._address(), "-f", str(script)],
            component=self.name,
            what="installing the GIN index mirror for FerretDB",
            log=self.log,
        )

    def _address(self) -> list[str]:
        return ["-h", HOST, "-p", str(POSTGRES_PORT), "-U", self.user]

    def healthy(self) -> bool:
        address = self._address()
        try:
            done = subprocess.run(
                [self._bin("pg_isready"), "-q", *address],
                timeout=5,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired, StackError):
            return False
        return done.returncode == 0


class MongoDB(Component):
    """FerretDB v1 (MongoDB wire protocol) over PostgreSQL, or SQLite with
    HROMADA_STACK_DB=sqlite, via our wrapper module deploy/local/ferretdb."""

    name = "mongodb"
    ports = (27017,)
    signature = ("/ferretdb-", "/.stack/data/mongodb")
    start_timeout = 30.0
    src = HERE / "ferretdb"
    binary = CACHE / "bin" / f"ferretdb-{FERRETDB_VERSION}"
    stamp = CACHE / "bin" / f"ferretdb-{FERRETDB_VERSION}.src-sha256"

    @property
    def url(self) -> str:
        return f"mongodb://{HOST}:27017/"

    def _digest(self) -> str:
        files = [p for p in self.src.iterdir() if p.suffix == ".go" or p.name.startswith("go.")]
        return sha256_files(files)

    def _current(self) -> bool:
        try:
            return self.binary.exists() and self.stamp.read_text().strip() == self._digest()
        except OSError:
            return False

    def pending_work(self) -> str | None:
        return None if self._current() else f"FerretDB {FERRETDB_VERSION} (Go build, ~1.5 min)"

    def prepare(self) -> None:
        if self._current():
            return
        with build_lock():
            if self._current():
                return
            go = ensure_go(self.name)
            env = go_env(go)
            log = LOGS / "build-mongodb.log"
            if not (self.src / "go.sum").exists():
                run_logged(
                    [go, "mod", "tidy"],
                    component=self.name,
                    log=log,
                    cwd=self.src,
                    env=env,
                    what="resolving FerretDB's Go modules (go mod tidy)",
                )
            partial = self.binary.with_name(self.binary.name + ".partial")
            self.binary.parent.mkdir(parents=True, exist_ok=True)
            run_logged(
                [go, "build", "-trimpath", "-o", str(partial), "."],
                component=self.name,
                what=f"building FerretDB {FERRETDB_VERSION} with Go",
                log=log,
                cwd=self.src,
                env=env,
            )
            os.replace(partial, self.binary)
            self.stamp.write_text(self._digest() + "\n")

    def command(self) -> list[str]:
        cmd = [str(self.binary), "-listen", f"{HOST}:27017", "-data", str(self.data)]
        if mongo_backend() == "postgresql":
            cmd += ["-postgresql-url", Postgres().url]
        return cmd

    def healthy(self) -> bool:
        return mongo_ping(27017)


class S3(Component):
    """MinIO; versitygw (posix backend) if MinIO cannot be built or HROMADA_STACK_S3 says so."""

    name = "s3"
    ports = (9000,)
    signature = ("/gobin-", "/.stack/data/s3")
    start_timeout = 60.0
    minio_bin = CACHE / f"gobin-minio-{MINIO_VERSION}" / "minio"
    versitygw_bin = CACHE / f"gobin-versitygw-{VERSITYGW_VERSION}" / "versitygw"

    def __init__(self) -> None:
        self.impl = ""

    @property
    def url(self) -> str:
        return f"http://{HOST}:9000"

    def _choice(self) -> str:
        choice = os.environ.get("HROMADA_STACK_S3", "auto").strip().lower() or "auto"
        if choice not in ("auto", "minio", "versitygw"):
            raise StackError(self.name, f"HROMADA_STACK_S3={choice}: use minio or versitygw")
        return choice

    def pending_work(self) -> str | None:
        choice = self._choice()
        if choice == "versitygw":
            if self.versitygw_bin.exists():
                return None
            return f"versitygw {VERSITYGW_VERSION} (Go build, ~1.5 min)"
        if self.minio_bin.exists():
            return None
        return "MinIO (Go build, ~3 min on 2 cores)"

    def _go_install(self, module: str, version: str, binary: Path, what: str) -> None:
        with build_lock():
            if binary.exists():
                return
            go = ensure_go(self.name)
            final = binary.parent
            partial = final.with_name(final.name + ".partial")
            rmtree(partial)
            run_logged(
                [go, "install", "-trimpath", f"{module}@{version}"],
                component=self.name,
                what=what,
                log=LOGS / "build-s3.log",
                cwd=CACHE,
                env=go_env(go, GOBIN=str(partial)),
            )
            rmtree(final)
            partial.rename(final)

    def prepare(self) -> None:
        choice = self._choice()
        if choice in ("auto", "minio"):
            try:
                self._go_install(
                    MINIO_MODULE, MINIO_VERSION, self.minio_bin, f"building MinIO {MINIO_VERSION}"
                )
                self.impl = "minio"
                return
            except StackError as exc:
                if choice == "minio":
                    raise
                say(f"MinIO could not be built ({exc.message}); falling back to versitygw")
        self._go_install(
            f"{VERSITYGW_MODULE}/cmd/versitygw",
            VERSITYGW_VERSION,
            self.versitygw_bin,
            f"building versitygw {VERSITYGW_VERSION}",
        )
        self.impl = "versitygw"

    def environment(self) -> dict[str, str]:
        env = dict(os.environ)
        shared = stack_env()
        if self.impl == "minio":
            env.update(
                MINIO_ROOT_USER=shared["HROMADA_S3_ACCESS_KEY"],
                MINIO_ROOT_PASSWORD=shared["HROMADA_S3_SECRET_KEY"],
                MINIO_BROWSER="off",
                MINIO_UPDATE="off",
            )
        return env

    def command(self) -> list[str]:
        if self.impl == "minio":
            return [
                str(self.minio_bin), "server",
                "--address", f"{HOST}:9000",
                "--console-address", f"{HOST}:9001",
                str(self.data),
            ]  # fmt: skip
        shared = stack_env()
        root = DATA / "s3-versitygw"
        (root / "meta").mkdir(parents=True, exist_ok=True)
        (root / "data").mkdir(parents=True, exist_ok=True)
        return [
            str(self.versitygw_bin),
            "--access", shared["HROMADA_S3_ACCESS_KEY"],
            "--secret", shared["HROMADA_S3_SECRET_KEY"],
            "--port", f"{HOST}:9000",
            "--health", "/health",
            "posix", "--sidecar", str(root / "meta"), str(root / "data"),
        ]  # fmt: skip

    def healthy(self) -> bool:
        try:
            running = json.loads(self.metafile.read_text())["cmd"][0]
        except (OSError, ValueError, KeyError, IndexError):
            running = ""
        if "versitygw" in Path(running).name:
            return http_ok(f"{self.url}/health")
        return http_ok(f"{self.url}/minio/health/live") or http_ok(f"{self.url}/health")


class Traces(Component):
    """Jaeger v2: OTLP in on 4317/4318, traces in memory, query API on 16686."""

    name = "traces"
    ports = (4317, 4318, 16685, 16686)
    signature = ("/jaeger-", "deploy/local/jaeger.yaml")
    start_timeout = 60.0
    binary = CACHE / "bin" / f"jaeger-{JAEGER_VERSION}"
    config = HERE / "jaeger.yaml"

    @property
    def url(self) -> str:
        return f"http://{HOST}:16686"

    def status_extra(self) -> dict[str, object]:
        return {"kind": "jaeger", "otlp_http": f"http://{HOST}:4318", "otlp_grpc": f"{HOST}:4317"}

    def pending_work(self) -> str | None:
        return None if self.binary.exists() else f"Jaeger {JAEGER_VERSION} (Go build, ~3.5 min)"

    def prepare(self) -> None:
        if self.binary.exists():
            return
        with build_lock():
            if self.binary.exists():
                return
            self._build()

    def _build(self) -> None:
        # `go install .../cmd/jaeger@version` is refused (its go.mod has a replace directive),
        # so fetch the module source through the module proxy and build it as main module.
        go = ensure_go(self.name)
        env = go_env(go)
        log = LOGS / "build-traces.log"
        src = CACHE / "src" / f"jaeger-{JAEGER_VERSION}"
        if not (src / "go.mod").exists():
            say(f"downloading the Jaeger {JAEGER_VERSION} module source ...")
            proc = subprocess.run(
                [go, "mod", "download", "-json", f"{JAEGER_MODULE}@{JAEGER_VERSION}"],
                cwd=CACHE, env=env, capture_output=True, text=True, check=False,
            )  # fmt: skip
            try:
                module_dir = Path(json.loads(proc.stdout)["Dir"])
            except (ValueError, KeyError) as exc:
                LOGS.mkdir(parents=True, exist_ok=True)
                with open(log, "a") as fh:
                    fh.write(proc.stdout + proc.stderr)
                raise StackError(self.name, "go mod download of Jaeger failed", log) from exc
            partial = src.with_name(src.name + ".partial")
            rmtree(partial)
            shutil.copytree(module_dir, partial, symlinks=True)
            for root, dirs, files in os.walk(partial):
                for entry in (*dirs, *files):
                    path = os.path.join(root, entry)
                    if not os.path.islink(path):
                        mode = os.stat(path).st_mode
                        os.chmod(path, mode | stat.S_IWUSR)
            os.chmod(partial, 0o755)
            rmtree(src)
            partial.rename(src)
        out = self.binary.with_name(self.binary.name + ".partial")
        self.binary.parent.mkdir(parents=True, exist_ok=True)
        run_logged(
            [go, "build", "-trimpath", "-o", str(out), "./cmd/jaeger"],
            component=self.name,
            what=f"building Jaeger {JAEGER_VERSION} with Go",
            log=log,
            cwd=src,
            env=env,
        )
        os.replace(out, self.binary)

    def command(self) -> list[str]:
        return [str(self.binary), "--config", str(self.config)]

    def healthy(self) -> bool:
        # The query API (an extension) comes up before the OTLP receivers: check all three.
        return http_ok(f"{self.url}/api/services") and port_open(4317) and port_open(4318)


def venv_python() -> str:
    candidate = REPO / ".venv" / "bin" / "python"
    return str(candidate) if candidate.exists() else sys.executable


class Smtp(Component):
    name = "smtp"
    ports = (1025,)
    signature = ("deploy/local/smtp_sink.py", "/.stack/mail")
    # A cold start right after boot (imports from a cold disk cache while Kafka's JVM and
    # PostgreSQL start beside it) took over 20 s once; 60 s like the other components.
    start_timeout = 60.0
    stop_timeout = 10.0

    @property
    def url(self) -> str:
        return f"smtp://{HOST}:1025"

    def status_extra(self) -> dict[str, object]:
        return {"maildir": str(self.maildir())}

    def maildir(self) -> Path:
        """Where mail lands: ours, or that of another checkout's sink serving the port."""
        if self.running_pid() is None:
            owner = port_owner(1025)
            if owner and all(part in owner[1] for part in self.signature):
                args = owner[1].split()
                with contextlib.suppress(ValueError, IndexError):
                    return Path(args[args.index("--maildir") + 1])
        return MAIL

    def prepare(self) -> None:
        MAIL.mkdir(parents=True, exist_ok=True)

    def command(self) -> list[str]:
        return [
            venv_python(), "-u", str(HERE / "smtp_sink.py"),
            "--host", HOST, "--port", "1025", "--maildir", str(MAIL),
        ]  # fmt: skip

    def healthy(self) -> bool:
        return smtp_banner(1025)


class PythonApp(Component):
    """The gateway or one service: `python -m <module>` from the repo root."""

    start_timeout = 60.0
    stop_timeout = 15.0

    def __init__(self, name: str, module: str, port: int) -> None:
        self.name = name
        self.module = module
        self.port = port
        self.ports = (port,)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def main_file(self) -> Path:
        return REPO / Path(*self.module.split(".")) / "__main__.py"

    def skip_reason(self) -> str | None:
        if self.main_file.exists():
            return None
        return f"{self.main_file.relative_to(REPO)} does not exist yet"

    def prepare(self) -> None:
        (DATA / "gateway").mkdir(parents=True, exist_ok=True)  # HROMADA_DEV_KEY_FILE lives here
        write_env_file()

    def environment(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(stack_env())
        prefix = f"HROMADA_{self.name.upper()}_"
        env[prefix + "HOST"] = HOST
        env[prefix + "PORT"] = str(self.port)
        if self.name == "gateway":  # where the gateway routes each service's API
            # One gateway process here: its rate-limit slots need no shared store.
            env.setdefault("HROMADA_GATEWAY_RATE_LIMIT_STORE", "local")
            for service, port in SERVICE_PORTS.items():
                env[f"HROMADA_GATEWAY_{service.upper()}_URL"] = f"http://{HOST}:{port}"
        env["PYTHONUNBUFFERED"] = "1"
        return env

    def command(self) -> list[str]:
        return [venv_python(), "-m", self.module]

    def healthy(self) -> bool:
        return http_ok(f"{self.url}/health/ready")


def all_components() -> dict[str, Component]:
    comps: list[Component] = [Kafka(), Postgres(), MongoDB(), S3(), Traces(), Smtp()]
    comps.append(PythonApp("gateway", "gateway", GATEWAY_PORT))
    comps += [PythonApp(n, f"services.{n}", p) for n, p in SERVICE_PORTS.items()]
    comps += [PythonApp(n, SANDBOX_MODULES[n], p) for n, p in SANDBOX_PORTS.items()]
    comps += [PythonApp(n, n, p) for n, p in FRONTEND_PORTS.items()]
    return {c.name: c for c in comps}


# --------------------------------------------------------------------------- orchestration


class Stack:
    def __init__(self) -> None:
        self.components = all_components()
        self.children: dict[str, subprocess.Popen[bytes]] = {}
        self.shared: dict[str, int] = {}  # served by another checkout's stack: name -> pid

    def get(self, name: str) -> Component:
        try:
            return self.components[name]
        except KeyError:
            known = ", ".join(self.components)
            raise SystemExit(f"stack.py: unknown component {name!r} (known: {known})") from None

    # --- start
    def spawn(self, comp: Component) -> bool:
        """Prepare and launch `comp` unless it already runs. True if a process was started."""
        pid = comp.running_pid()
        if pid is not None:
            return False
        comp.forget()
        for port in comp.ports:
            if port_open(port):
                owner = port_owner(port)
                if owner and self.foreign_stack(comp, owner):
                    return False
                who = f" by pid {owner[0]}: {owner[1][:200]}" if owner else ""
                raise StackError(
                    comp.name,
                    f"port {HOST}:{port} is already in use{who}, which was not started by this "
                    "stack (or its pid file was lost): stop it, then run `up` again",
                )
        comp.prepare()
        for d in (LOGS, RUN):
            d.mkdir(parents=True, exist_ok=True)
        comp.data.mkdir(parents=True, exist_ok=True)
        cmd = comp.command()
        rotate_log(comp.log)
        with open(comp.log, "ab") as log:
            stamp = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            log.write(f"\n=== {stamp} stack.py starting {comp.name}: {' '.join(cmd)}\n".encode())
            log.flush()
            try:
                proc = subprocess.Popen(
                    cmd,
                    cwd=comp.cwd(),
                    env=comp.environment(),
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            except OSError as exc:
                raise StackError(comp.name, f"cannot run {cmd[0]}: {exc}", comp.log) from exc
        self.children[comp.name] = proc
        info = proc_stat(proc.pid)
        meta = {"pid": proc.pid, "starttime": info[1] if info else None, "cmd": cmd}
        atomic_write(comp.metafile, json.dumps(meta) + "\n")
        atomic_write(comp.pidfile, f"{proc.pid}\n")
        say(f"{comp.name}: started (pid {proc.pid}), log {comp.log}")
        return True

    def foreign_stack(self, comp: Component, owner: tuple[int, str]) -> bool:
        """Is `comp` already served, healthy, by the same server of another checkout's stack?

        Then this checkout uses it (its data lives in that checkout's .stack/) instead of
        failing on the port; `down` here leaves it alone.
        """
        pid, cmd = owner
        if not comp.signature or not all(part in cmd for part in comp.signature):
            return False
        if str(STACK) in cmd or not comp.healthy():
            return False
        self.shared[comp.name] = pid
        say(
            f"{comp.name}: already running, served by another checkout's stack (pid {pid}: "
            f"{cmd[:160]}); using it"
        )
        return True

    def wait_healthy(self, comps: list[Component]) -> list[StackError]:
        """Wait for all of `comps` to turn healthy; stop and report those that do not."""
        start = time.monotonic()
        pending = {c.name: c for c in comps}
        errors: list[StackError] = []
        last_tick = start
        while pending:
            for name, comp in list(pending.items()):
                proc = self.children.get(name)
                if proc is not None and proc.poll() is not None:
                    comp.forget()
                    errors.append(
                        StackError(
                            name,
                            f"the process exited during start (exit code {proc.returncode})",
                            comp.log,
                        )
                    )
                    del pending[name]
                    continue
                if proc is None and comp.running_pid() is None:
                    errors.append(StackError(name, "the process is gone", comp.log))
                    del pending[name]
                    continue
                if comp.healthy():
                    try:
                        comp.on_ready()
                    except StackError as exc:
                        errors.append(exc)
                        del pending[name]
                        continue
                    say(f"{name}: ready at {comp.url} ({fmt_secs(time.monotonic() - start)})")
                    del pending[name]
                    continue
                if time.monotonic() - start > comp.start_timeout:
                    self.stop(comp, quiet=True)
                    errors.append(
                        StackError(
                            name,
                            f"not healthy after {int(comp.start_timeout)} s; stopped it again",
                            comp.log,
                        )
                    )
                    del pending[name]
            if not pending:
                break
            now = time.monotonic()
            if now - last_tick >= TICK_SECONDS:
                last_tick = now
                waiting = ", ".join(sorted(pending))
                say(f"  ... waiting for {waiting}: {fmt_secs(now - start)} elapsed")
            time.sleep(0.25)
        return errors

    def start_group(self, comps: list[Component]) -> list[StackError]:
        errors: list[StackError] = []
        to_wait: list[Component] = []
        for comp in comps:
            reason = comp.skip_reason()
            if reason is not None:
                say(f"{comp.name}: skipped ({reason})")
                continue
            try:
                if self.spawn(comp):
                    to_wait.append(comp)
                elif comp.name in self.shared:
                    continue
                elif comp.healthy():
                    say(f"{comp.name}: already running (pid {comp.running_pid()}), healthy")
                else:
                    say(f"{comp.name}: running (pid {comp.running_pid()}) but not healthy yet")
                    to_wait.append(comp)
            except StackError as exc:
                errors.append(exc)
        errors += self.wait_healthy(to_wait)
        return errors

    def up(self, infra_only: bool) -> int:
        begin = time.monotonic()
        write_env_file()
        names = list(INFRA) if infra_only else list(self.components)
        pending = []
        for name in names:
            comp = self.components[name]
            if comp.running_pid() is None and comp.skip_reason() is None:
                with contextlib.suppress(StackError):
                    work = comp.pending_work()
                    if work:
                        pending.append(work)
        if pending:
            say("not in the cache yet (" + str(CACHE) + "): " + "; ".join(pending))
            say(
                "the first run downloads and builds these and may take many minutes "
                "(about 8-10 min on a 2-core machine, more on a slow network); "
                "later runs take seconds"
            )
        # PostgreSQL first: FerretDB needs it to answer its health check.
        errors = self.start_group([self.components["postgres"]])
        errors += self.start_group([self.components[n] for n in INFRA if n != "postgres"])
        if not infra_only:
            if errors:
                say("infrastructure failed, so the gateway and services are not started")
            else:
                errors += self.start_group([self.components["gateway"]])
                apps = [*SERVICE_PORTS, *SANDBOX_PORTS, *FRONTEND_PORTS]
                errors += self.start_group([self.components[n] for n in apps])
        for err in errors:
            print(err.report(), file=sys.stderr, flush=True)
        elapsed = fmt_secs(time.monotonic() - begin)
        if errors:
            failed = ", ".join(e.component for e in errors)
            say(f"up FAILED for: {failed} (after {elapsed})")
            return 1
        say(f"up: all {'infrastructure ' if infra_only else ''}components ready in {elapsed}")
        return 0

    def start(self, names: list[str]) -> int:
        write_env_file()
        comps = [self.get(n) for n in names]
        for comp in comps:
            reason = comp.skip_reason()
            if reason is not None:
                print(StackError(comp.name, f"cannot start: {reason}").report(), file=sys.stderr)
                return 1
        errors = self.start_group(comps)
        for err in errors:
            print(err.report(), file=sys.stderr, flush=True)
        return 1 if errors else 0

    # --- stop
    def _signal(self, pid: int, sig: int) -> None:
        try:
            os.killpg(pid, sig)  # started with start_new_session: pgid == pid
        except (ProcessLookupError, PermissionError):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)

    def _gone(self, comp: Component, pid: int) -> bool:
        proc = self.children.get(comp.name)
        if proc is not None and proc.pid == pid:
            return proc.poll() is not None
        return not pid_alive(pid)

    def stop_many(self, comps: list[Component], kill: bool = False, quiet: bool = False) -> None:
        """SIGTERM (or SIGKILL) each process group, wait, SIGKILL what outlives its timeout."""
        sig = signal.SIGKILL if kill else signal.SIGTERM
        start = time.monotonic()
        targets: list[tuple[Component, int, float]] = []
        for comp in comps:
            pid = comp.running_pid()
            if pid is None:
                comp.forget()
                if not quiet and comp.skip_reason() is None:
                    say(f"{comp.name}: not running")
                continue
            self._signal(pid, sig)
            targets.append((comp, pid, start + comp.stop_timeout))
        killed: set[str] = set()
        while targets:
            remaining = []
            for comp, pid, deadline in targets:
                if self._gone(comp, pid):
                    # Leftover members of its process group (workers, reloaders) go too.
                    with contextlib.suppress(ProcessLookupError, PermissionError):
                        os.killpg(pid, signal.SIGKILL)
                    comp.forget()
                    if not quiet:
                        how = "killed" if kill or comp.name in killed else "stopped"
                        took = fmt_secs(time.monotonic() - start)
                        say(f"{comp.name}: {how} (pid {pid}, {took})")
                    continue
                now = time.monotonic()
                if now > deadline and comp.name not in killed:
                    say(
                        f"{comp.name}: still running {int(comp.stop_timeout)} s after SIGTERM; "
                        "sending SIGKILL"
                    )
                    self._signal(pid, signal.SIGKILL)
                    killed.add(comp.name)
                    deadline = now + 10.0
                elif now > deadline:
                    say(f"{comp.name}: pid {pid} survives SIGKILL (stuck in the kernel?)")
                    continue
                remaining.append((comp, pid, deadline))
            targets = remaining
            if targets:
                time.sleep(0.1)

    def stop(self, comp: Component, kill: bool = False, quiet: bool = False) -> None:
        self.stop_many([comp], kill=kill, quiet=quiet)

    def down(self) -> int:
        names = ["gateway", *SERVICE_PORTS, *SANDBOX_PORTS, *FRONTEND_PORTS]
        apps = [self.components[n] for n in names]
        self.stop_many(apps)
        self.stop_many([self.components[n] for n in reversed(INFRA)])
        return 0

    def clean(self) -> int:
        self.down()
        rmtree(self.components["postgres"].data)  # may live outside .stack/
        if STACK.exists():
            # Keep the lock file we are holding; wipe everything else.
            for child in STACK.iterdir():
                if child == RUN:
                    for entry in child.iterdir():
                        if entry.name != "stack.lock":
                            rmtree(entry)
                else:
                    rmtree(child)
        say(f"wiped {STACK} (the download/build cache in {CACHE} is kept)")
        return 0

    # --- status
    def status(self) -> dict[str, dict[str, object]]:
        comps = [self.components[n] for n in STATUS_ORDER]
        with concurrent.futures.ThreadPoolExecutor(max_workers=len(comps)) as pool:
            health = dict(zip(STATUS_ORDER, pool.map(safe_healthy, comps), strict=True))
        result: dict[str, dict[str, object]] = {}
        for comp in comps:
            entry: dict[str, object] = {"url": comp.url, "healthy": health[comp.name]}
            entry.update(comp.status_extra())
            result[comp.name] = entry
        return result


def safe_healthy(comp: Component) -> bool:
    try:
        return bool(comp.healthy())
    except Exception:
        return False


# --------------------------------------------------------------------------- CLI


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="stack.py", description="Hromada local stack (no Docker)."
    )
    sub = parser.add_subparsers(dest="cmd", required=True)
    p_up = sub.add_parser("up", help="fetch/build (cached), start and health-check everything")
    p_up.add_argument("--infra", action="store_true", help="only kafka, mongodb, s3, traces, smtp")
    sub.add_parser("down", help="stop everything, keep data")
    sub.add_parser("status", help="print one JSON object: component -> url, healthy")
    sub.add_parser("clean", help="down, then wipe .stack/ (not the cache)")
    p_start = sub.add_parser("start", help="start components")
    p_start.add_argument("components", nargs="+")
    p_stop = sub.add_parser("stop", help="stop components")
    p_stop.add_argument("--kill", action="store_true", help="SIGKILL at once (simulate a crash)")
    p_stop.add_argument("components", nargs="+")
    p_logs = sub.add_parser("logs", help="print the path of a component's log file")
    p_logs.add_argument("component")
    sub.add_parser("env", help="print the environment the services get (KEY=VALUE)")
    args = parser.parse_args(argv)

    stack = Stack()
    if args.cmd == "status":
        print(json.dumps(stack.status(), indent=2))
        return 0
    if args.cmd == "logs":
        print(stack.get(args.component).log)
        return 0
    if args.cmd == "env":
        for key, value in stack_env().items():
            print(f"{key}={value}")
        return 0

    for name in getattr(args, "components", []):
        stack.get(name)  # validate before taking the lock
    with file_lock(RUN / "stack.lock", "another stack.py command on this repo"):
        try:
            if args.cmd == "up":
                return stack.up(infra_only=args.infra)
            if args.cmd == "down":
                return stack.down()
            if args.cmd == "clean":
                return stack.clean()
            if args.cmd == "start":
                return stack.start(args.components)
            if args.cmd == "stop":
                stack.stop_many([stack.get(n) for n in args.components], kill=args.kill)
                return 0
        except StackError as exc:
            print(exc.report(), file=sys.stderr, flush=True)
            return 1
        except KeyboardInterrupt:
            say("interrupted")
            return 130
    return 2


if __name__ == "__main__":
    sys.exit(main())
