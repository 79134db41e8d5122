"""stream.cli.page_files: which files are pages, and one line for one that is not readable."""

from __future__ import annotations

from pathlib import Path

import pytest

from stream.cli.page_files import PageFile, collect_pages, read_page
from stream.errors import ConfigError


def test_a_folder_named_like_a_page_is_not_a_page(tmp_path: Path) -> None:
    (tmp_path / "archive.txt").mkdir()
    (tmp_path / "a.html").write_text("<p>x</p>")
    assert collect_pages([tmp_path]) == [PageFile(tmp_path / "a.html", "text/html")]


def test_a_page_that_cannot_be_read_is_one_line_naming_it(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as refused:
        read_page(PageFile(tmp_path / "gone.txt", "text/plain"))
    assert (
        refused.value.detail
        == f"{tmp_path / 'gone.txt'}: cannot read it (No such file or directory)"
    )
