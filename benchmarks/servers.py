"""The servers under load (gunicorn, as `make run` starts it) and their workers' memory."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(app: str, env: dict, workers: int, check_path: str = "/") -> Iterator[tuple[str, int]]:
    """Serves `app` with `workers` sync workers; yields (base URL, master pid)."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--log-level", "warning", app],
        cwd=ROOT,
        env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + check_path, timeout=5):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start for {app}") from None
                time.sleep(0.3)
        yield base, process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def worker_pids(master: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            pids.append(int(entry.name))
    return pids


def _kib_field(path: str, field: str) -> float:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def rss_mib(pid: int) -> float:
    return _kib_field(f"/proc/{pid}/status", "VmRSS:")


def pss_mib(pid: int) -> float:
    """Proportional set size: shared pages count once across the workers that map them."""
    return _kib_field(f"/proc/{pid}/smaps_rollup", "Pss:")


class MemoryWatch:
    """Samples the workers' memory twice a second; keeps the peaks and what was running."""

    def __init__(self, master: int):
        self.master = master
        self.peak_rss = 0.0
        self.peak_pss = 0.0
        self.label = "start"
        self.peak_rss_during = ""
        self.peak_pss_during = ""
        self.rss_at_start = 0.0  # the largest worker once serving, before any page
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for pid in worker_pids(self.master):
                rss, pss = rss_mib(pid), pss_mib(pid)
                if rss > self.peak_rss:
                    self.peak_rss, self.peak_rss_during = rss, self.label
                if pss > self.peak_pss:
                    self.peak_pss, self.peak_pss_during = pss, self.label
            self._stop.wait(0.5)

    def now(self) -> float:
        """The largest worker's RSS at this moment."""
        return max((rss_mib(pid) for pid in worker_pids(self.master)), default=0.0)

    def __enter__(self) -> MemoryWatch:
        self.rss_at_start = self.now()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
