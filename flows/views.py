"""The analyst's entry points: tables and views of a lake as pandas, with no setup.

from flows.views import read_table, article_speakers

quotes = read_table("quotes", start="2025-09-01", end="2025-09-30")
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import pandas as pd

from flows.adapters.lake import Lake
from transforms.speakers import PEOPLE


def read_table(
    table: str,
    start: str | None = None,
    end: str | None = None,
    columns: Sequence[str] | None = None,
    root: str = "data/lake",
) -> pd.DataFrame:
    """Analyst helper: `read_table("quotes", start="2025-09-01", end="2025-09-30")` -> pandas."""
    return Lake(root).read_table(table, start, end, columns)


def article_speakers(
    start: str | None = None,
    end: str | None = None,
    article_id: str | None = None,
    root: str = "data/lake",
    kinds: Collection[str] | None = PEOPLE,
) -> pd.DataFrame:
    """Analyst helper: per article, each speaker with their quote counts and role.

    `article_speakers(start="2025-09-01")` -> pandas, one row per article and speaking
    person (see `transforms.speakers`); `kinds=("organisation", "document")` lists other
    kinds of source, `kinds=None` all of them, with one row per article whose
    `speaker_name` is null for the quotes with no speaker found.
    """
    return Lake(root).article_speakers(start, end, article_id, kinds).to_pandas()
