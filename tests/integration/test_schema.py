"""The published schemas: up to date, valid, true of real records, and compatible.

`schemas/` is what consumers code against, so CI pins four things: the committed
files are exactly what the models generate; every record the pipeline makes for
the sample pages validates against them; the AsyncAPI document passes the
official parser; and no model change breaks the committed version of a record
without bumping its `schema` tag (`breaking_changes`, tested here on synthetic
schemas first).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any, Literal

import pytest
from jsonschema import Draft202012Validator
from pydantic import BaseModel, Field

from stream.contract import (
    ASYNCAPI_FILE,
    asyncapi_document,
    dump_yaml,
    examples,
    render_schemas,
)
from stream.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "schemas"
ASYNCAPI_TOOL = ROOT / "tools" / "asyncapi"
EXAMPLE_AT = dt.datetime(2026, 2, 11, 9, 30, tzinfo=dt.UTC)
REGENERATE = "regenerate with `stream schema --out schemas` and commit the result"


def committed(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    return data


def validator(name: str) -> Draft202012Validator:
    schema = committed(name)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def errors_of(name: str, record: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator(name).iter_errors(record)
    ]


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    return render_schemas()


# -- breaking_changes on synthetic schemas ---------------------------------------------


def record(tag: str = "thing/1", **properties: Any) -> dict[str, Any]:
    required = [name for name, p in properties.items() if p.pop("required", False)]
    return {
        "title": "Thing",
        "type": "object",
        "properties": {"schema": {"const": tag, "type": "string"}, **properties},
        "required": required,
        "$defs": {},
    }


NULLABLE_STRING = {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None}


# -- breaking_changes on the real models -------------------------------------------------


class TeaserWithoutFirstUrl(BaseModel):
    """`Teaser` as a careless edit might leave it: a field dropped, one made required."""

    schema_: Literal["teaser/1"] = Field(default="teaser/1", alias="schema")
    teaser_id: str
    headline: str
    lead: str | None = None
    first_page_id: str
    first_seen_at: dt.datetime


# -- The committed files -------------------------------------------------------------------


# -- Real records validate -----------------------------------------------------------------


# -- YAML and the official AsyncAPI parser --------------------------------------------------


# Strings a YAML reader could take for something else (a number, a bool, null, a
# comment, a mapping, a line break), next to ones that are plainly strings.
TRICKY_YAML = {
    "plain": ["pages.raw", "text/plain", "$ref"],
    "quoted": ["3.0.0", "null", "yes", "a: b", "#/x", "", " lead", "x\u2028y\u0085"],
    # Numbers in YAML 1.2 (what the AsyncAPI tools read) but not in PyYAML's YAML 1.1.
    "yaml_1_2_numbers": ["1e3", "0o17", ".5", "0x1F", ".inf"],
    "text": ["a\nb\n", " a\n b", "trail \n", "tab\there", "\x07bell", "\ufeffbom", "ä 😀"],
    "other": [None, True, 8, 0.5, {}, []],
}


def test_a_yaml_1_2_reader_reads_the_yaml_as_written(tmp_path: Path) -> None:
    path = tmp_path / "tricky.yaml"
    path.write_text(dump_yaml(TRICKY_YAML), encoding="utf-8")
    tool = asyncapi_tool()
    node = shutil.which("node")
    assert node is not None
    read = (
        "const y = require('js-yaml'); const fs = require('fs');"
        "console.log(JSON.stringify(y.load(fs.readFileSync(process.argv[1], 'utf8'),"
        " {schema: y.CORE_SCHEMA})))"
    )

    result = subprocess.run(
        [node, "-e", read, str(path)],
        cwd=tool.parent,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == TRICKY_YAML


def asyncapi_tool() -> Path:
    """`validate.mjs`, with its pinned packages installed; skips only outside CI."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        if os.environ.get("CI"):
            pytest.fail("node and npm are needed to validate the AsyncAPI document in CI")
        pytest.skip("node/npm not installed")
    if not (ASYNCAPI_TOOL / "node_modules" / "@asyncapi" / "parser").is_dir():
        subprocess.run(
            [npm, "ci", "--ignore-scripts", "--prefix", str(ASYNCAPI_TOOL)],
            check=True,
            capture_output=True,
            timeout=300,
        )
    return ASYNCAPI_TOOL / "validate.mjs"


def run_validator(*args: str) -> subprocess.CompletedProcess[str]:
    node = shutil.which("node")
    assert node is not None
    return subprocess.run(
        [node, str(asyncapi_tool()), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_committed_asyncapi_document_passes_the_official_parser() -> None:
    result = run_validator(str(SCHEMAS / ASYNCAPI_FILE))

    assert (result.returncode, "valid AsyncAPI 3.0.0" in result.stderr) == (0, True), result.stderr


def test_the_validator_fails_on_an_invalid_document(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text('asyncapi: "3.0.0"\nchannels: {}\n')

    result = run_validator(str(broken))

    assert result.returncode == 1
    assert 'must have required property "info"' in result.stderr


def test_the_yaml_writer_says_what_it_means(tmp_path: Path, rendered: dict[str, str]) -> None:
    """The document as a YAML 1.2 reader sees it is the document we built."""
    path = tmp_path / ASYNCAPI_FILE
    path.write_text(rendered[ASYNCAPI_FILE], encoding="utf-8")
    built = asyncapi_document(Settings.model_construct(), examples(Settings.model_construct()))

    result = run_validator("--json", str(path))

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == json.loads(json.dumps(built))
