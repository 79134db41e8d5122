"""Page files on disk: which files are pages, and the content type each one has.

`stream produce` publishes folders of them and `stream parse` reads one; both
name a file's content type by its suffix, here, so they agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from stream.errors import ConfigError

PAGE_SUFFIXES = {".txt": "text/plain", ".html": "text/html", ".htm": "text/html"}


@dataclass(frozen=True, slots=True)
class PageFile:
    path: Path
    content_type: str


def content_type_of(path: Path) -> str:
    """The content type a page file is sent with; text for an unknown suffix."""
    return PAGE_SUFFIXES.get(path.suffix.lower(), "text/plain")


def collect_pages(paths: Iterable[str | Path]) -> list[PageFile]:
    """The page files named, folders expanded (sorted, so runs are repeatable)."""
    files: list[PageFile] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            candidates = sorted(
                p for p in path.rglob("*") if p.suffix.lower() in PAGE_SUFFIXES and p.is_file()
            )
        elif path.is_file():
            candidates = [path]
        else:
            raise ConfigError(f"{path}: no such file or folder")
        files += [PageFile(candidate, content_type_of(candidate)) for candidate in candidates]
    if not files:
        raise ConfigError(
            "no page files (.txt, .html, .htm) found in " + ", ".join(map(str, paths))
        )
    return files


def read_page(page: PageFile) -> bytes:
    """A page file's bytes; a file that cannot be read is a one-line error naming it."""
    try:
        return page.path.read_bytes()
    except OSError as error:
        raise ConfigError(f"{page.path}: cannot read it ({error.strerror or error})") from None
