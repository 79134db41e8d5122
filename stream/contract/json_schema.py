"""The JSON Schema (Draft 2020-12) of each published record, made from its pydantic model.

`RECORDS` lists the records that have a schema file; `json_schema` writes one. Output
schemas are published open (no `additionalProperties: false`): a consumer must ignore
fields it does not know, so that adding an optional field is safe.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from stream.models import OUTPUTS, PageEnvelope

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
# Schemas are identified by name, not by a web address nobody serves; a `$ref`
# between files is resolved against this base (`<base>article.v1.json`).
SCHEMA_ID_BASE = "urn:stream:schema:"

Mode = Literal["validation", "serialization"]


@dataclass(frozen=True, slots=True)
class RecordSchema:
    """One published record: its model and the file its JSON Schema goes to."""

    name: str
    model: type[BaseModel]
    # Outputs are described as consumers read them, the input as producers write it.
    mode: Mode

    @property
    def tag(self) -> str | None:
        field = self.model.model_fields.get("schema_")
        return str(field.default) if field is not None else None

    @property
    def version(self) -> int:
        # The input has no tag on the wire; its shape is version 1 until it needs one.
        return int(self.tag.rsplit("/", 1)[1]) if self.tag else 1

    @property
    def file_name(self) -> str:
        return f"{self.name}.v{self.version}.json"


RECORDS: tuple[RecordSchema, ...] = (
    *(RecordSchema(output.name, output.model, "serialization") for output in OUTPUTS),
    RecordSchema("page_envelope", PageEnvelope, "validation"),
)


def json_schema(record: RecordSchema) -> dict[str, Any]:
    """The published JSON Schema of one record (Draft 2020-12)."""
    schema = record.model.model_json_schema(by_alias=True, mode=record.mode)
    if record.mode == "serialization":
        schema = _open(schema)
    title = f"{record.model.__name__} ({record.tag or record.name + '/' + str(record.version)})"
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "$id": SCHEMA_ID_BASE + record.file_name,
        **schema,
        "title": title,
    }


def _open(node: Any) -> Any:
    """`node` without `additionalProperties: false`, at every depth.

    pydantic writes it because the models forbid unknown fields when *building* a
    record; a *consumer* that enforced it would reject every record once an
    optional field is added, which the evolution rules allow within a version.
    """
    if isinstance(node, dict):
        return {
            k: _open(v) for k, v in node.items() if not (k == "additionalProperties" and v is False)
        }
    if isinstance(node, list):
        return [_open(v) for v in node]
    return node


def dump_json(data: Any) -> str:
    """Deterministic JSON text: sorted keys, 2-space indent, trailing newline."""
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
