"""The AsyncAPI document and its YAML, read by the official parser (node, tools/asyncapi)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

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


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    return render_schemas()


# -- breaking_changes on synthetic schemas ---------------------------------------------


# -- breaking_changes on the real models -------------------------------------------------


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
