"""Installing the project into a fresh venv gives a working `newslake`: the dependencies
that pyproject.toml declares are enough for the command line, the pipeline and the model.

The install resolves pyproject.toml's requirements afresh (not the lock) with uv, which
`make venv` installs, and takes the files from the cache `make venv` filled; it asks the
package index which releases exist, as any install does: the one test that goes online."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow

# not part of the package (and large): left out of the copy that is built
NOT_PACKAGED = (".git", ".venv", ".prefect", "data", "bench", "notebooks", "build", "*.egg-info")
CACHES = ("__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache")


def test_pip_install_into_a_fresh_venv_gives_a_working_command(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(*NOT_PACKAGED, *CACHES))
    venv = tmp_path / "venv"
    # the venv module of the interpreter this venv was made from, as a user would
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    bin_ = venv / "bin"
    env = {
        **os.environ,
        "PREFECT_HOME": str(tmp_path / "prefect"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    env.pop("VIRTUAL_ENV", None)
    env.pop("PYTHONPATH", None)
    uv = str(Path(sys.executable).parent / "uv")
    install = subprocess.run(
        [uv, "pip", "install", "--quiet", "--python", str(bin_ / "python"), str(src)],
        capture_output=True,
        text=True,
        timeout=900,
        env=env,
        cwd=tmp_path,
    )
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]
    check = subprocess.run(
        [str(bin_ / "python"), "-m", "pip", "check"], capture_output=True, text=True, env=env
    )
    assert check.returncode == 0, check.stdout

    # the installed package, not the source tree, with its suites
    where = subprocess.run(
        [
            str(bin_ / "python"),
            "-c",
            "import flows, expectations.gate as g; print(flows.__file__); "
            "print(len(list(g.SUITE_DIR.glob('*.json'))))",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=True,
    ).stdout.split()
    assert "site-packages" in where[0] and int(where[1]) >= 9

    help_ = subprocess.run(
        [str(bin_ / "newslake"), "--help"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert help_.returncode == 0, help_.stderr
    for command in ("run", "backfill", "extract", "validate"):
        assert command in help_.stdout

    line = {
        "id": "p1",
        "text": "The ferry will run twice a day from June. “Passengers asked for it,” "
        "said harbour master Lena Korhonen.",
    }
    out = subprocess.run(
        [str(bin_ / "newslake"), "extract", "--input", "-", "--output", "-", "--workers", "1"],
        input=json.dumps(line) + "\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    (row,) = [json.loads(x) for x in out.stdout.splitlines() if x.strip()]
    assert row["id"] == "p1"
    (quote,) = row["quotes"]
    text = line["text"]
    assert text[quote["quote_start"] : quote["quote_end"]] == quote["quote_text"]
    assert quote["quote_text"].startswith("Passengers asked for it")
    assert quote["speaker_name"] == "Lena Korhonen"
    assert any(e["label"] == "PER" for e in row["entities"])
