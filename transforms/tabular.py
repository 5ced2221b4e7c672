"""Small helpers the views over the lake's tables share."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyarrow as pa


def doc_field(name: str, type_: pa.DataType, doc: str, nullable: bool = False) -> pa.Field:
    """A view's column, with its description in the field's metadata (`doc`)."""
    return pa.field(name, type_, nullable=nullable, metadata={"doc": doc})


def rows_of(view: str, name: str, table: pa.Table, needed: Sequence[str]) -> list[dict[str, Any]]:
    """The needed columns of a table as rows; a ValueError names the view, the table and
    the columns it lacks."""
    missing = [c for c in needed if c not in table.column_names]
    if missing:
        raise ValueError(f"{view}: the {name} table lacks columns {missing}")
    rows: list[dict[str, Any]] = table.select(list(needed)).to_pylist()
    return rows
