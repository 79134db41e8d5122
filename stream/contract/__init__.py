"""The published contract of every record, and the rule that keeps it compatible.

`write_schemas` turns the pydantic models (the contract) into one JSON Schema
(Draft 2020-12) file per record (`json_schema`) and an AsyncAPI 3.0 document of all
topics (`asyncapi`), with examples made by the real offline pipeline from a bundled
sample page (`examples`). The files in the repository's `schemas/` folder are its
output (`files`); CI checks they are up to date (`schemas_up_to_date`) and that no
model change breaks a consumer of the committed version (`compat.breaking_changes`)
unless the record's `schema` tag is bumped.
"""

from stream.contract.asyncapi import asyncapi_document, dump_yaml
from stream.contract.compat import breaking_changes, schema_tag
from stream.contract.examples import examples
from stream.contract.files import (
    ASYNCAPI_FILE,
    render_schemas,
    schemas_up_to_date,
    write_schemas,
)
from stream.contract.json_schema import RECORDS, RecordSchema, dump_json, json_schema
from stream.errors import BreakingSchemaChange, SchemaError

__all__ = [
    "ASYNCAPI_FILE",
    "RECORDS",
    "BreakingSchemaChange",
    "RecordSchema",
    "SchemaError",
    "asyncapi_document",
    "breaking_changes",
    "dump_json",
    "dump_yaml",
    "examples",
    "json_schema",
    "render_schemas",
    "schema_tag",
    "schemas_up_to_date",
    "write_schemas",
]
