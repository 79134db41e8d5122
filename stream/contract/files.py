"""The `schemas/` folder: rendering every schema file, writing them, checking them.

`write_schemas` refuses to overwrite a committed record schema that the models
broke (`breaking_changes`) unless told to; `schemas_up_to_date` is what CI checks.
"""

from __future__ import annotations

import json
from pathlib import Path

from stream.contract.asyncapi import asyncapi_document, dump_yaml
from stream.contract.compat import breaking_changes
from stream.contract.examples import examples
from stream.contract.json_schema import RECORDS, dump_json, json_schema
from stream.errors import BreakingSchemaChange
from stream.settings import Settings

ASYNCAPI_FILE = "asyncapi.yaml"


def render_schemas(settings: Settings | None = None) -> dict[str, str]:
    """File name -> text of every schema file, as `write_schemas` writes them.

    The AsyncAPI document describes the default topic names (the contract), not
    the ones a particular deployment configured.
    """
    # Defaults without reading STREAM_* variables: the files must not depend on
    # the environment of whoever generates them.
    settings = settings or Settings.model_construct()
    files = {record.file_name: dump_json(json_schema(record)) for record in RECORDS}
    files[ASYNCAPI_FILE] = dump_yaml(asyncapi_document(settings, examples(settings)))
    return files


def write_schemas(out_dir: Path, *, allow_breaking: bool = False) -> list[Path]:
    """Write every schema file into `out_dir`; returns their paths.

    A record schema already in `out_dir` with the same version is the baseline
    consumers rely on: if the models broke it, nothing is written and
    `BreakingSchemaChange` says what broke, unless `allow_breaking`.
    """
    files = render_schemas()
    for name, text in files.items():
        old = out_dir / name
        if allow_breaking or not name.endswith(".json") or not old.is_file():
            continue
        changes = breaking_changes(json.loads(old.read_text(encoding="utf-8")), json.loads(text))
        if changes:
            raise BreakingSchemaChange(name, changes)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in files.items():
        path = out_dir / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def schemas_up_to_date(directory: Path) -> list[str]:
    """Names of the schema files in `directory` that are missing or differ from the models."""
    stale = []
    for name, text in render_schemas().items():
        path = directory / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            stale.append(name)
    return stale
