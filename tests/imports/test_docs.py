"""docs/imports.md documents every column the importer knows."""

from pathlib import Path

from dangbo.imports.schema import INDICATOR_COLUMNS, MEMBER_COLUMNS, ORG_COLUMNS

DOC = Path(__file__).resolve().parents[2] / "docs" / "imports.md"


def test_every_column_is_documented():
    text = DOC.read_text(encoding="utf-8")
    missing = [
        c.header
        for c in (*MEMBER_COLUMNS, *ORG_COLUMNS, *INDICATOR_COLUMNS)
        if f"| {c.header} |" not in text
    ]
    assert not missing
