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
    # the figures are inline (no file written beside the lake)
    figures = [
        o["data"]["image/png"]
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if "image/png" in o.get("data", {})
    ]
    assert len(figures) == 2 and all(len(f) > 5000 for f in figures)
    assert not (Path(root) / "_docs" / "quotes_per_day.png").exists()
    # the eight sample articles with no date are flagged, not plotted on the run day
    assert "8 undated articles (dated by first sight, not plotted)" in outputs
    source = "".join(c.source for c in nb.cells)
    # the time axis is real dates: months of the samples' years, and no month of the run day
    assert "months plotted, 2019-11 to 2026-06" in outputs and "2026-11-01" not in outputs
    assert "read_statements" in source and "statement_key" in outputs and "first_outlet" in outputs
    assert "Quotes per outlet" in source and "apnews.com" in outputs
