"""A LibreOffice kept running for PDF conversion: unoserver, started and supervised here.

Why unoserver: a cold ``soffice --convert-to`` spends seconds starting LibreOffice for every
letter; a running one converts a letter in a fraction of a second. unoserver (PyPI) is the
maintained tool for exactly this: it starts LibreOffice with a UNO listener and answers
conversions over XML-RPC on 127.0.0.1. The conversion itself needs LibreOffice's Python UNO
bindings, which exist only for the interpreter LibreOffice was built against (on Debian
``python3-uno`` for ``/usr/bin/python3``), not for the service's virtualenv; so the server runs
under a Python that has ``uno`` (found by :func:`uno_python`), loading unoserver (pure Python)
from where the service has it installed; the service itself talks plain XML-RPC (``pdfrpc``)
and never imports UNO. Driving LibreOffice's own ``--accept`` listener over UNO directly would
mean writing that bridge by hand, in that second interpreter, for the same result.

:class:`PdfServer` owns one such server: started on the first conversion, in a session of its
own with a fresh LibreOffice profile; a conversion over its time limit kills the whole process
group; a dead server (LibreOffice crashed or was killed) is noticed and started again by the next
conversion. Conversions through one server run one at a time: LibreOffice is one process, and
unoserver answers one request at a time anyway.

Run as ``python -m zoomsvc.letters.pdfserver --port 2003`` it runs one server in the foreground,
for ``deploy/zoomsvc-pdf.service``.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from zoomsvc.letters.pdf import PdfTimeout, PdfUnavailable, ServerUnavailable, seconds
from zoomsvc.letters.pdfrpc import answers, rpc_convert

STARTUP_SECONDS = 90.0  # unoserver itself waits 7 s before it listens; LibreOffice adds more
GONE_SECONDS = 10.0  # how long a killed process group may take to disappear


def unoserver_path() -> str | None:
    """The folder from which unoserver is imported here (what the server's PYTHONPATH needs)."""
    spec = importlib.util.find_spec("unoserver")
    if spec is None or not spec.submodule_search_locations:
        return None
    return str(Path(next(iter(spec.submodule_search_locations))).parent)


def server_env() -> dict[str, str]:
    """The environment of the server: ours, with unoserver importable."""
    env = dict(os.environ)
    found = unoserver_path()
    if found:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, (found, env.get("PYTHONPATH"))))
    return env


@functools.cache
def uno_python(soffice: str) -> str | None:
    """A Python interpreter that can import both ``uno`` and unoserver, or None.

    Tried in turn: this interpreter, the system's (Debian's python3-uno), LibreOffice's own
    (upstream builds ship ``program/python`` beside ``soffice``).
    """
    if unoserver_path() is None:
        return None
    candidates = [sys.executable, "/usr/bin/python3",
                  str(Path(soffice).resolve().parent / "python")]
    for python in dict.fromkeys(candidates):
        if not os.access(python, os.X_OK):
            continue
        with contextlib.suppress(OSError, subprocess.TimeoutExpired):
            check = subprocess.run([python, "-c", "import uno, unoserver.server"],  # noqa: S603
                                   env=server_env(), capture_output=True, timeout=60,
                                   check=False)
            if check.returncode == 0:
                return python
    return None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_command(python: str, soffice: str, port: int, uno_port: int, profile: Path,
                   temp_dir: Path, timeout_seconds: float) -> list[str]:
    """The command line of one unoserver on 127.0.0.1."""
    return [python, "-m", "unoserver.server", "--interface", "127.0.0.1", "--port", str(port),
            "--uno-interface", "127.0.0.1", "--uno-port", str(uno_port),
            "--executable", soffice, "--user-installation", str(profile),
            "--temp-dir", str(temp_dir),
            # unoserver's own limit (whole seconds) stops LibreOffice if we never come back.
            "--conversion-timeout", str(max(1, int(timeout_seconds) + 1))]


class PdfServer:
    """One unoserver and its LibreOffice, owned by this process."""

    def __init__(self, soffice: str, python: str, timeout_seconds: float,
                 startup_seconds: float = STARTUP_SECONDS) -> None:
        self.soffice = soffice
        self.python = python
        self.timeout_seconds = timeout_seconds
        self.startup_seconds = startup_seconds
        self.starts = 0  # how often LibreOffice was started: restarts show here
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._work: Path | None = None
        self._address = ""

    @property
    def pgid(self) -> int | None:
        """The process group of the running server (server, oosplash, soffice.bin)."""
        return self._process.pid if self._process is not None else None

    def office_pid(self) -> int | None:
        """The pid of the running ``soffice.bin`` (read from /proc), or None."""
        group = self.pgid
        if group is None:
            return None
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError):
                text = stat.read_text()
                name, rest = text[text.index("(") + 1:text.rindex(")")], text.rsplit(")", 1)[1]
                if name == "soffice.bin" and int(rest.split()[2]) == group:
                    return int(stat.parent.name)
        return None

    def convert(self, docx: bytes, timeout_seconds: float | None = None) -> bytes:
        """The PDF of ``docx``; a dead server is started again first, and once more if it dies
        during the conversion."""
        limit = self.timeout_seconds if timeout_seconds is None else timeout_seconds
        if not self._lock.acquire(timeout=self.startup_seconds + limit):
            raise PdfUnavailable("konverter PDF sedang sibuk; coba lagi sebentar lagi")
        try:
            for attempt in (1, 2):
                self._ensure_running()
                try:
                    return rpc_convert(self._address, docx, limit)
                except PdfTimeout:
                    self._kill()  # LibreOffice may hang for good: the next letter gets a new one
                    raise
                except ServerUnavailable:
                    self._kill()
                    if attempt == 2:
                        raise
                except PdfUnavailable:
                    if self._died():  # an error because LibreOffice went away: convert again
                        self._kill()
                        if attempt == 2:
                            raise
                        continue
                    raise
            raise AssertionError("unreachable")  # pragma: no cover
        finally:
            self._lock.release()

    def start(self) -> None:
        """Start the server now (the first conversion otherwise does)."""
        with self._lock:
            self._ensure_running()

    def stop(self) -> None:
        """Stop the server and LibreOffice, and remove their profile."""
        with self._lock:
            self._kill()

    def _died(self) -> bool:
        """Whether the server exited (given a moment: it exits just after LibreOffice)."""
        process = self._process
        if process is None:
            return True
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=2)
        return process.poll() is not None

    def _ensure_running(self) -> None:
        if self._process is not None and self._process.poll() is None:
            return
        self._kill()  # what is left of a dead one: strays in its group, its profile
        work = Path(tempfile.mkdtemp(prefix="zoomsvc-pdfserver-"))
        port, uno_port = free_port(), free_port()
        while uno_port == port:
            uno_port = free_port()
        (work / "tmp").mkdir()
        command = server_command(self.python, self.soffice, port, uno_port, work / "profile",
                                 work / "tmp", self.timeout_seconds)
        self._work = work
        try:
            with (work / "server.log").open("wb") as log:
                # A session of its own: a timeout or stop kills unoserver, oosplash and
                # soffice.bin together.
                self._process = subprocess.Popen(  # noqa: S603 - fixed argv
                    command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                    cwd=work, env=server_env(), start_new_session=True)
        except OSError as exc:
            self._kill()
            raise ServerUnavailable(f"konverter PDF (LibreOffice) tidak dapat dijalankan: "
                                    f"{exc}") from exc
        self._address = f"127.0.0.1:{port}"
        self.starts += 1
        deadline = time.monotonic() + self.startup_seconds
        while not answers(self._address):
            if self._process.poll() is not None or time.monotonic() > deadline:
                reason = self._last_log_line()
                self._kill()
                raise ServerUnavailable(f"konverter PDF (LibreOffice) tidak dapat dijalankan: "
                                        f"{reason}")
            time.sleep(0.25)

    def _last_log_line(self) -> str:
        if self._process is not None and self._process.poll() is None:
            return f"tidak siap dalam {seconds(self.startup_seconds)} detik"
        with contextlib.suppress(OSError):
            if self._work is not None:
                lines = (self._work / "server.log").read_text(errors="replace").splitlines()
                return next((line for line in reversed(lines) if line.strip()), "-")
        return "-"

    def _kill(self) -> None:
        process, work = self._process, self._work
        self._process, self._work, self._address = None, None, ""
        if process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            deadline = time.monotonic() + GONE_SECONDS
            while time.monotonic() < deadline:  # soffice.bin is not our child: wait it out
                try:
                    os.killpg(process.pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.05)
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    """Become one unoserver in the foreground (for a systemd unit); 2 when it cannot run."""
    parser = argparse.ArgumentParser(description="Konverter PDF zoomsvc (unoserver).")
    parser.add_argument("--port", type=int, default=2003, help="XML-RPC port on 127.0.0.1")
    parser.add_argument("--uno-port", type=int, default=2002, help="LibreOffice's UNO port")
    parser.add_argument("--profile", type=Path, required=True, help="LibreOffice profile folder")
    parser.add_argument("--conversion-timeout", type=float, default=120)
    args = parser.parse_args(argv)
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    python = uno_python(soffice) if soffice else None
    if soffice is None or python is None:
        print("LibreOffice dengan Python UNO (paket python3-uno) dan unoserver tidak ditemukan",
              file=sys.stderr)
        return 2
    command = server_command(python, soffice, args.port, args.uno_port, args.profile,
                             Path(tempfile.gettempdir()), args.conversion_timeout)
    # unoserver becomes the unit's main process: systemd's stop signal reaches it directly.
    os.execve(python, command, server_env())  # noqa: S606 - fixed argv


if __name__ == "__main__":
    sys.exit(main())
