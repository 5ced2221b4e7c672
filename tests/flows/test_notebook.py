"""notebooks/explore.ipynb runs top to bottom on a lake written by the real flow."""

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def test_explore_notebook_runs(sample_run, monkeypatch):
    _, root = sample_run
    monkeypatch.setenv("NEWSLAKE_LAKE", root)
    monkeypatch.setenv("PYTHONPATH", str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    nb = nbformat.read(ROOT / "notebooks" / "explore.ipynb", as_version=4)
    NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(ROOT / "notebooks")}},
    ).execute()
    outputs = "".join(
        o.get("text", "") + str(o.get("data", {}).get("text/plain", ""))
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
    )
    assert "27 articles" in outputs
    assert "mean_confidence" in outputs and "speaker_name" in outputs
    assert (Path(root) / "_docs" / "quotes_per_day.png").stat().st_size > 1000
