"""The analyst's entry points: tables and views of a lake as pandas, with no setup.

from flows.views import read_table, article_speakers, read_statements, read_people

quotes = read_table("quotes", start="2025-09-01", end="2025-09-30")

Types: `date` is a date (`date32[pyarrow]`), integer columns are nullable integers
(`Int32`, `Int64`: a missing `speaker_start` is `<NA>`, not a float NaN), booleans are
`boolean`, timestamps `datetime64[us, UTC]`, strings `str`, lists Python lists.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Sequence
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from flows.adapters.lake import Lake
from transforms.people import HOW_ARTICLE
from transforms.schemas import PARTITION_COLUMN, TABLES, arrow_schema
from transforms.speakers import PEOPLE

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_PANDAS_TYPES = {
    pa.int32(): pd.Int32Dtype(),
    pa.int64(): pd.Int64Dtype(),
    pa.bool_(): pd.BooleanDtype(),
    pa.date32(): pd.ArrowDtype(pa.date32()),
}


def _day(what: str, value: str | dt.date | None) -> str | None:
    """A YYYY-MM-DD string (or a date) as YYYY-MM-DD; anything else is a ValueError."""
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and _DAY.fullmatch(value):
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise ValueError(f"{what} {value!r} is not a date: give YYYY-MM-DD, e.g. '2025-09-01'")


def _range(
    who: str, start: str | dt.date | None, end: str | dt.date | None
) -> tuple[str | None, str | None]:
    first, last = _day(f"{who}: start", start), _day(f"{who}: end", end)
    if first and last and first > last:
        raise ValueError(f"{who}: start {first} is after end {last}")
    return first, last


def _lake(who: str, root: str) -> Lake:
    # a reader never creates a lake: Lake() makes a missing local folder
    if "://" not in root and not Path(root).is_dir():
        raise FileNotFoundError(f"{who}: no lake at {root!r} (run `newslake run` first)")
    return Lake(root)


def to_pandas(rows: pa.Table) -> pd.DataFrame:
    """Arrow rows as pandas with the types an analyst can trust: `date` as a date, integers
    nullable integers (never float64), booleans nullable booleans."""
    if (
        PARTITION_COLUMN in rows.column_names
        and rows.schema.field(PARTITION_COLUMN).type == pa.string()
    ):
        at = rows.column_names.index(PARTITION_COLUMN)
        days = pc.cast(rows.column(at), pa.date32())
        rows = rows.set_column(at, rows.field(at).with_type(pa.date32()), days)
    return rows.to_pandas(types_mapper=_PANDAS_TYPES.get)


def read_table(
    table: str,
    start: str | dt.date | None = None,
    end: str | dt.date | None = None,
    columns: Sequence[str] | None = None,
    root: str = "data/lake",
) -> pd.DataFrame:
    """Analyst helper: `read_table("quotes", start="2025-09-01", end="2025-09-30")` -> pandas.

    Dates are inclusive partition dates; an unknown table or column, or a start or end that
    is not YYYY-MM-DD, is a ValueError that names it and the valid choices."""
    if table not in TABLES:
        raise ValueError(f"read_table: unknown table {table!r}; tables: {', '.join(TABLES)}")
    first, last = _range("read_table", start, end)
    if columns is not None:
        names = arrow_schema(table, with_partition=True).names
        unknown = [c for c in columns if c not in names]
        if unknown:
            raise ValueError(
                f"read_table: {table} has no column {', '.join(map(repr, unknown))};"
                f" columns: {', '.join(names)}"
            )
    return to_pandas(_lake("read_table", root).read_arrow(table, first, last, columns))


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
    first, last = _range("article_speakers", start, end)
    lake = _lake("article_speakers", root)
    return to_pandas(lake.article_speakers(first, last, article_id, kinds))


def read_statements(
    start: str | dt.date | None = None,
    end: str | dt.date | None = None,
    root: str = "data/lake",
) -> pd.DataFrame:
    """Analyst helper: one row per statement across articles (see `transforms.statements`):
    its key, text, speaker, first-seen article and date, and how many outlets and articles
    carry it, most outlets first."""
    first, last = _range("read_statements", start, end)
    return to_pandas(_lake("read_statements", root).statements(first, last))


def read_people(
    start: str | dt.date | None = None,
    end: str | dt.date | None = None,
    root: str = "data/lake",
) -> pd.DataFrame:
    """Analyst helper: one row per person (see `transforms.people`): name variants, roles,
    mention, article and quote counts, first and last seen; keys linked across the lake."""
    first, last = _range("read_people", start, end)
    return to_pandas(_lake("read_people", root).people(first, last))


def read_mentions(
    start: str | dt.date | None = None,
    end: str | dt.date | None = None,
    columns: Sequence[str] | None = None,
    root: str = "data/lake",
) -> pd.DataFrame:
    """Analyst helper: the mentions table with people's keys linked across the lake:
    `entity_key` is the lake-wide key (the `people` view's), `article_entity_key` the one
    the article gave, `entity_key_how` how they were joined (article, surname_unique_in_lake,
    surname_ambiguous; article for other labels)."""
    frame = read_table("mentions", start, end, columns, root)
    if "entity_key" not in frame.columns:
        return frame
    links = _lake("read_mentions", root).person_links()
    keys = frame["entity_key"].tolist()
    frame["article_entity_key"] = frame["entity_key"]
    frame["entity_key"] = pd.array(
        [links[k].entity_key if k in links else k for k in keys], dtype=frame["entity_key"].dtype
    )
    frame["entity_key_how"] = pd.array(
        [links[k].how if k in links else HOW_ARTICLE for k in keys], dtype=frame["entity_key"].dtype
    )
    return frame
