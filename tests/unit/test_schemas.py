import dataclasses
import datetime as dt
import types
import typing

import pyarrow as pa
import pytest

from transforms import schemas
from transforms.schemas import TABLES, arrow_schema, to_arrow

PY_FOR_ARROW = {
    pa.string(): str,
    pa.int32(): int,
    pa.int64(): int,
    pa.float32(): float,
    pa.bool_(): bool,
    pa.binary(): bytes,
    schemas.UTC_US: dt.datetime,
    pa.list_(pa.string()): list,
}


@pytest.mark.parametrize("table", sorted(TABLES))
def test_dataclass_and_arrow_schema_agree(table):
    spec = TABLES[table]
    hints = typing.get_type_hints(spec.row_type)
    schema = arrow_schema(table, with_partition=True)
    assert schema.names == [f.name for f in dataclasses.fields(spec.row_type)]
    assert schema.metadata[b"schema_version"] == schemas.SCHEMA_VERSION.encode()
    for field in schema:
        hint = hints[field.name]
        args = typing.get_args(hint)
        optional = isinstance(hint, types.UnionType) and type(None) in args
        base = next(a for a in args if a is not type(None)) if optional else hint
        assert typing.get_origin(base) or base is PY_FOR_ARROW[field.type], field.name
        assert field.nullable == optional or field.type == pa.list_(pa.string()), field.name
        assert field.metadata[b"doc"], f"{table}.{field.name} has no description"
    for key in spec.key + spec.sort_by:
        assert key in schema.names
    assert schema.names[-1] == schemas.PARTITION_COLUMN


def test_to_arrow_rejects_a_null_in_a_required_column():
    row = schemas.CoverageRow("s", "r", 1, 1, 0, 0, 1, 0, 1, 0, "2024-01-01")
    table = to_arrow("coverage", [row])
    assert table.num_rows == 1 and table.schema.field("written").type == pa.int64()
    bad = dataclasses.replace(row, source=None)
    with pytest.raises((pa.ArrowInvalid, ValueError)):
        to_arrow("coverage", [bad]).validate(full=True)
        raise ValueError("not rejected")
