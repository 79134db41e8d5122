"""Plain-text tables for people: columns padded to their widest cell, numbers right."""

from __future__ import annotations

from collections.abc import Sequence


def format_table(rows: Sequence[Sequence[str]], *, numeric: set[int] | None = None) -> list[str]:
    """`rows` (the first is the header) as aligned lines, without trailing spaces."""
    right = numeric or set()
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ).rstrip()
        for row in rows
    ]
