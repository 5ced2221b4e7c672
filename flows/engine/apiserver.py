"""A temporary Prefect API for one `newslake` command, which never outlives it.

Prefect starts its own temporary server (uvicorn in a child process) when no
`PREFECT_API_URL` is set, and that child survives its parent when the parent is
killed. This module starts the same server (Prefect's app factory, its UI off,
its background services those of an ephemeral server) as a child that ends
itself as soon as its parent is gone: the kernel sends it SIGKILL when the
parent dies (Linux), and a watch thread checks the parent's pid as well.
Starting it first lets the command import its libraries while the server
migrates its database. With `PREFECT_API_URL` already set, nothing is started.

    python -m flows.engine.apiserver PORT PARENT_PID    # what the child runs
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

SERVER_ENV = {
    "PREFECT_UI_ENABLED": "0",
    "PREFECT__SERVER_EPHEMERAL": "1",  # the services of a temporary server only
    "PREFECT__SERVER_FINAL": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
}
PR_SET_PDEATHSIG = 1


class TemporaryApi:
    """A running temporary API; `stop()` ends it."""

    def __init__(self, process: subprocess.Popen[bytes], port: int) -> None:
        self.process = process
        self.port = port

    @property
    def url(self) -> str:
        """The API's URL, for PREFECT_API_URL."""
        return f"http://127.0.0.1:{self.port}/api"

    def wait_ready(self, timeout: float) -> None:
        """Block until the API answers its health check (RuntimeError after `timeout`)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"the temporary Prefect API exited with code {self.process.returncode}"
                )
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=1) as resp:
                    if resp.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.1)
        raise RuntimeError(f"the temporary Prefect API did not answer within {timeout:.0f} s")

    def stop(self) -> None:
        """Terminate the server (killed after 5 s)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _free_port() -> int:
    with contextlib.closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _die_with_parent() -> None:
    # runs in the child between fork and exec: SIGKILL when the parent thread exits
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def start() -> TemporaryApi | None:
    """Start the temporary API and point this process's Prefect at it (before Prefect is
    imported); None when PREFECT_API_URL is already set."""
    if os.environ.get("PREFECT_API_URL"):
        return None
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "flows.engine.apiserver", str(port), str(os.getpid())],
        env={**os.environ, **SERVER_ENV},
        stdout=subprocess.DEVNULL,
        preexec_fn=_die_with_parent if sys.platform == "linux" else None,
    )
    api = TemporaryApi(process, port)
    os.environ["PREFECT_API_URL"] = api.url
    return api


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def main(argv: list[str]) -> None:
    """The child: serve Prefect's API on PORT until PARENT_PID is gone."""
    port, parent = int(argv[0]), int(argv[1])
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    import uvicorn

    uvicorn.run(
        "prefect.server.api.server:create_app",
        factory=True,
        host="127.0.0.1",
        port=port,
        log_level="error",
        lifespan="on",
    )


if __name__ == "__main__":
    main(sys.argv[1:])
