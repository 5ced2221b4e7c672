"""The deployment path for real: a Prefect server and a process worker on 127.0.0.1,
deployments from prefect.yaml, the nightly deployment run on the bundled samples."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from flows.adapters.lake import Lake
from tests.conftest import ROOT

pytestmark = pytest.mark.server
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _api(url: str, path: str, body: dict | None = None) -> dict | list:
    req = urllib.request.Request(
        url + path,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json"},
        method="POST" if body is not None else "GET",
    )
    # The server answers 503 when its SQLite database is busy (the worker polls it at the
    # same time) and rolls the request back: retried with backoff, as Prefect's own client
    # retries 429, 502 and 503; the last attempt's error is raised.
    for attempt in range(7):
        try:
            return _send(req)
        except urllib.error.HTTPError as exc:
            if exc.code not in (429, 502, 503):
                raise
        time.sleep(0.25 * 2**attempt)
    return _send(req)


def _send(req: urllib.request.Request) -> dict | list:
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read())


def _stop(proc: subprocess.Popen) -> None:
    # a worker has been seen to outlive a SIGTERM by more than 5 s: escalate
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGKILL):
        if proc.poll() is not None:
            return
        proc.send_signal(sig)
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            continue


def test_nightly_deployment_runs_on_a_real_server_and_worker(tmp_path):
    started = time.monotonic()
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {
        **os.environ,
        "PREFECT_HOME": str(tmp_path / "prefect"),
        "PREFECT_API_URL": api,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "NEWSLAKE_HOME": str(ROOT),
        "PREFECT_LOGGING_LEVEL": "WARNING",
    }
    logs = contextlib.ExitStack()
    server_log = logs.enter_context(open(tmp_path / "server.log", "w"))  # noqa: SIM115 - the stack closes it
    worker_log = logs.enter_context(open(tmp_path / "worker.log", "w"))  # noqa: SIM115 - the stack closes it
    server = subprocess.Popen(
        [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=server_log,
        stderr=subprocess.STDOUT,
    )
    worker = None
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if _api(api, "/health") is True:
                    break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail(
                "Prefect server did not come up: " + (tmp_path / "server.log").read_text()[-2000:]
            )

        def cli(*args: str) -> str:
            res = subprocess.run(
                [str(BIN / "prefect"), *args],
                env=env,
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert res.returncode == 0, res.stdout + res.stderr
            return res.stdout

        cli("work-pool", "create", "newslake", "--type", "process")
        out = cli("--no-prompt", "deploy", "--all")
        assert "nightly" in out and "backfill" in out and "reprocess" in out
        deployments = _api(api, "/deployments/filter", {})
        by_name = {d["name"]: d for d in deployments}
        assert set(by_name) == {"nightly", "backfill", "reprocess"}
        schedule = by_name["nightly"]["schedules"][0]["schedule"]
        assert schedule["cron"] == "30 2 * * *" and schedule["timezone"] == "UTC"
        assert by_name["backfill"]["enforce_parameter_schema"] is True

        worker = subprocess.Popen(
            [str(BIN / "prefect"), "worker", "start", "--pool", "newslake"],
            env=env,
            cwd=tmp_path,
            stdout=worker_log,
            stderr=subprocess.STDOUT,
        )
        lake = tmp_path / "lake"
        params = {
            "run_date": "2026-11-29",
            "lake": str(lake),
            "config": str(ROOT / "newslake.yaml"),
            "workers": 2,
        }
        run = _api(
            api, f"/deployments/{by_name['nightly']['id']}/create_flow_run", {"parameters": params}
        )
        deadline = time.monotonic() + 150
        state = None
        while time.monotonic() < deadline:
            state = _api(api, f"/flow_runs/{run['id']}")["state"]["type"]
            if state in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED"):
                break
            time.sleep(1)
        assert state == "COMPLETED", (tmp_path / "worker.log").read_text()[-3000:]
        store = Lake(str(lake))
        assert len(store.read_table("articles")) == 27
        runs = store.read_table("runs")
        assert runs["run_id"].tolist() == [run["id"]] and runs["status"].tolist() == ["completed"]
        artifacts = _api(
            api, "/artifacts/filter", {"artifacts": {"flow_run_id": {"any_": [run["id"]]}}}
        )
        assert any("Top speakers" in (a.get("data") or "") for a in artifacts)
    finally:
        if worker is not None:
            _stop(worker)
        _stop(server)
        logs.close()
    print(f"deployment test took {time.monotonic() - started:.0f} s")
