"""The import's reading thread (``services._read_ahead``): it reads and parses one chunk ahead
of the checks and writes, so it must hand over every row in order, raise the file's own
error in the caller, and never outlive the import that stopped reading."""

import threading

import pytest

from dangbo.imports import services
from dangbo.imports.readers import FileProblem


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch):
    monkeypatch.setattr(services, "CHUNK", 4)


def _readers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "dangbo-import-reader"]


def test_every_row_in_order_with_its_prepared_form():
    rows = ((n, [f"cell {n}"]) for n in range(2, 13))
    chunks = list(services._read_ahead(rows, lambda n, cells: (n, cells[0].upper())))
    assert [len(c) for c in chunks] == [4, 4, 3]
    flat = [item for chunk in chunks for item in chunk]
    assert [n for n, _, _ in flat] == list(range(2, 13))
    assert all(ready == (n, f"CELL {n}") for n, _, ready in flat)
    assert not _readers()


def test_without_a_preparer_the_rows_come_as_read():
    chunks = list(services._read_ahead(iter([(2, ["a"]), (3, ["b"])])))
    assert chunks == [[(2, ["a"], None), (3, ["b"], None)]]


def test_a_problem_of_the_file_is_raised_in_the_caller_after_the_rows_before_it():
    def rows():
        yield from ((n, ["x"]) for n in range(2, 8))
        raise FileProblem("Dòng 8: tệp bị hỏng.")

    got = []
    with pytest.raises(FileProblem, match="Dòng 8"):
        for chunk in services._read_ahead(rows()):
            got.extend(n for n, _, _ in chunk)
    assert got == [2, 3, 4, 5]  # the full chunk before the broken one
    assert not _readers()


def test_the_thread_stops_when_the_import_stops_reading():
    endless = ((n, ["x"]) for n in range(2, 10**9))
    ahead = services._read_ahead(endless)
    assert len(next(ahead)) == 4
    ahead.close()  # the import raised, or was cancelled
    assert not _readers()
