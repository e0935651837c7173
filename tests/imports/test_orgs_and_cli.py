"""Organisation imports, the ``dangbo import`` command, and a commit killed half-way."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from io import StringIO
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from dangbo.core.models import AuditEntry
from dangbo.imports import services
from dangbo.imports.models import ImportRow, JobState
from dangbo.orgs.models import Organisation, OrgEvent

from .files import MEMBER_HEADER, write_csv, write_xlsx

ORG_HEADER = [
    "Mã tổ chức",
    "Tên tổ chức",
    "Loại tổ chức",
    "Loại hình",
    "Mã tổ chức cấp trên",
    "Ngày thành lập",
    "Số quyết định",
    "Cơ quan ban hành",
    "Ngày quyết định",
]


def org_job(tmp_path, rows, actor, *, commit=False):
    path = write_xlsx(tmp_path / "to-chuc.xlsx", [ORG_HEADER, *rows])
    job = services.create_job(actor=actor, kind="orgs", source=path, original_name=path.name)
    job = services.run(job, actor=actor)
    if commit:
        job = services.run(job, commit=True, actor=actor)
    return job


@pytest.mark.django_db
def test_org_import_parent_in_the_same_file(tmp_path, world):
    actor = world.users["admin"]
    rows = [
        [
            "kl-thon-9",
            "Chi bộ thôn Chín",
            "Chi bộ trực thuộc",
            "Thôn",
            "kim-long",
            "01/07/2016",
            "125-QĐ/ĐU",
            "Đảng ủy xã Kim Long",
            "25/06/2016",
        ],
        [
            "hd-moi",
            "Đảng bộ xã Hoàng Đan",
            "Đảng bộ cơ sở",
            "Xã",
            "tam-duong",
            "01/01/2016",
            "",
            "",
            "",
        ],
        ["hd-thon-1", "Chi bộ thôn Một", "sub_cell", "village", "hd-moi", "01/02/2016", "", "", ""],
        [
            "kl-thon-1",
            "Chi bộ thôn Đồng Bông",
            "Chi bộ trực thuộc",
            "Thôn",
            "kim-long",
            "01/01/1997",
            "",
            "",
            "",
        ],
    ]
    job = org_job(tmp_path, rows, actor)
    states = {r.row_no: r.state for r in ImportRow.objects.filter(job=job)}
    assert states == {2: "new", 3: "warning", 4: "warning", 5: "unchanged"}
    job = services.run(job, commit=True, actor=actor)
    assert job.state == JobState.COMMITTED
    thon = Organisation.objects.get(code="hd-thon-1")
    parent = Organisation.objects.get(code="hd-moi")
    assert thon.parent == parent and thon.path.startswith(parent.path)
    event = OrgEvent.objects.filter(outputs=Organisation.objects.get(code="kl-thon-9")).get()
    assert event.document.number == "125-QĐ/ĐU"
    assert AuditEntry.objects.filter(action="org.established").count() >= 3
    assert AuditEntry.objects.filter(action="import.orgs").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            ["x-1", "Chi bộ X", "Chi bộ trực thuộc", "Thôn", "tam-duong", "01/07/2016"],
            "Chi bộ trực thuộc không thể trực thuộc Đảng bộ huyện",
        ),
        (
            ["x-1", "Chi bộ X", "Chi bộ trực thuộc", "Thôn", "khong-co", "01/07/2016"],
            "Mã tổ chức cấp trên: không có tổ chức mã “khong-co”",
        ),
        (
            ["X 1", "Chi bộ X", "Chi bộ trực thuộc", "Thôn", "kim-long", "01/07/2016"],
            "Mã tổ chức: “X 1” — mã chỉ gồm chữ thường",
        ),
        (
            ["x-1", "Chi bộ X", "Chi bộ trực thuộc", "Thôn", "kim-long", "01/07/1990"],
            "Ngày thành lập: trước ngày thành lập tổ chức cấp trên (01/01/1997)",
        ),
        (
            ["kl-thon-1", "Tên khác", "Chi bộ trực thuộc", "Thôn", "kim-long", "01/01/1997"],
            "đã có, khác ở Tên tổ chức",
        ),
        (
            ["x-1", "Chi bộ X", "Chi bộ trực thuộc", "Thôn", "vt-xa", "01/07/2016"],
            "trong phạm vi của bạn",
        ),
        (
            ["x-1", "Chi bộ X", "Loại lạ", "Thôn", "kim-long", "01/07/2016"],
            "Loại tổ chức: “Loại lạ” không hợp lệ",
        ),
    ],
)
def test_org_row_errors(tmp_path, world, row, message):
    job = org_job(tmp_path, [row + ["", "", ""]], world.users["staff"])
    result = ImportRow.objects.get(job=job)
    assert result.state == "error"
    assert any(message in m for m in result.messages), result.messages


@pytest.mark.django_db
def test_org_code_twice_in_the_file(tmp_path, world):
    row = ["x-1", "Chi bộ X", "Chi bộ trực thuộc", "Thôn", "kim-long", "01/07/2016", "", "", ""]
    job = org_job(tmp_path, [row, row], world.users["admin"])
    results = list(ImportRow.objects.filter(job=job))
    assert [r.state for r in results] == ["error", "error"]
    assert "trùng với dòng 3" in results[0].messages[0]


# ----------------------------------------------------------------------------- the command


@pytest.mark.django_db
def test_command_previews_then_commits(tmp_path, world):
    rows = [
        [
            "",
            "Ngô Văn Mới",
            "Nam",
            "01/01/1990",
            "kl-thon-2",
            "87654321",
            "01/02/2015",
            "01/02/2016",
            "",
        ]
    ]
    path = write_csv(tmp_path / "f.csv", [MEMBER_HEADER, *rows])
    out, err = StringIO(), StringIO()
    call_command("import", "members", str(path), stdout=out, stderr=err)
    text = out.getvalue()
    assert "Thêm mới: 1" in text and "chưa ghi gì" in text
    assert "dòng/giây" in err.getvalue()
    assert not world.members["huong"].__class__.objects.filter(card_number="87654321").exists()
    out = StringIO()
    call_command(
        "import", "members", str(path), "--commit", "--user", "admin", stdout=out, stderr=StringIO()
    )
    assert "Đã ghi vào cơ sở dữ liệu" in out.getvalue()
    assert world.members["huong"].__class__.objects.filter(card_number="87654321").exists()


@pytest.mark.django_db
def test_command_exits_1_and_names_rows_on_errors(tmp_path, world):
    rows = [["", "Bùi Văn Nhỏ", "Nam", "01/01/2000", "kl-thon-1", "", "01/06/2017", "", ""]]
    path = write_csv(tmp_path / "f.csv", [MEMBER_HEADER, *rows])
    out = StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("import", "members", str(path), "--commit", "--no-progress", stdout=out)
    assert exc.value.code == 1
    text = out.getvalue()
    assert "Dòng 2 [Lỗi] Bùi Văn Nhỏ" in text
    assert "    [Lỗi] Ngày sinh: Người được kết nạp chưa đủ 18 tuổi" in text


# ----------------------------------------------------------------- a commit killed half-way


def _dangbo(env, *args, **kw):
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "dangbo.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        **kw,
    )


def _big_member_file(path: Path, rows: int) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        fh.write(",".join(MEMBER_HEADER) + "\n")
        for i in range(rows):
            fh.write(
                f"{i},Nguyễn Văn Số {i},Nam,01/01/1980,kl-1,{10_000_000 + i},01/02/2015,"
                "01/02/2016,\n"
            )
    return path


@pytest.fixture
def scratch_env(tmp_path):
    """A database of its own (same engine as the test run) for processes we kill."""
    env = {**os.environ, "DANGBO_DATA_DIR": str(tmp_path / "data")}
    name = None
    if connection.vendor == "postgresql":
        settings_dict = connection.settings_dict
        name = f"dangbo_kill_{uuid.uuid4().hex[:8]}"
        admin = psycopg.connect(
            host=settings_dict["HOST"] or "127.0.0.1",
            port=settings_dict["PORT"] or 5432,
            user=settings_dict["USER"],
            dbname="postgres",
            autocommit=True,
        )
        admin.execute(f'CREATE DATABASE "{name}"')
        env["DANGBO_DATABASE_URL"] = (
            f"postgres://{settings_dict['USER']}@{settings_dict['HOST'] or '127.0.0.1'}:"
            f"{settings_dict['PORT'] or 5432}/{name}"
        )
    else:
        env.pop("DANGBO_DATABASE_URL", None)
    yield env
    if name:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.close()


def _count_members(env) -> int:
    if "DANGBO_DATABASE_URL" in env:
        with psycopg.connect(env["DANGBO_DATABASE_URL"]) as conn:
            return conn.execute("SELECT count(*) FROM members_member").fetchone()[0]
    db = Path(env["DANGBO_DATA_DIR"]) / "dangbo.sqlite3"
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM members_member").fetchone()[0]


def test_killed_commit_leaves_the_database_as_before(tmp_path, scratch_env):
    env = scratch_env
    _dangbo(env, "migrate", "--verbosity", "0")
    # A root organisation cannot come from a file (it needs a parent): make them directly.
    _dangbo(
        env,
        "shell",
        "-c",
        (
            "from datetime import date; from dangbo.orgs.services import create_org as c;"
            "p = c(actor=None, code='p-1', name='Đảng bộ tỉnh', kind='central',"
            " sector='territorial', parent=None, valid_from=date(1990, 1, 1));"
            "g = c(actor=None, code='g-1', name='Đảng bộ xã', kind='grassroots_committee',"
            " sector='commune', parent=p, valid_from=date(1990, 1, 1));"
            "c(actor=None, code='kl-1', name='Chi bộ thôn', kind='sub_cell', sector='village',"
            " parent=g, valid_from=date(1990, 1, 1))"
        ),
    )
    # Five chunks of services.CHUNK rows: killed once the first is written, four still to go.
    rows = 5 * services.CHUNK
    path = _big_member_file(tmp_path / "big.csv", rows)
    assert _count_members(env) == 0
    proc = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "dangbo.cli", "import", "members", str(path), "--commit"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # Kill it once it has written some chunks inside its transaction.
    imports = Path(env["DANGBO_DATA_DIR"]) / "imports"
    deadline = time.monotonic() + 120
    killed = False
    while time.monotonic() < deadline and proc.poll() is None:
        progress = list(imports.glob("*.progress")) if imports.exists() else []
        if progress and '"done": 0' not in progress[0].read_text() and progress[0].read_text():
            os.kill(proc.pid, signal.SIGKILL)
            killed = True
            break
        time.sleep(0.05)
    proc.wait(timeout=30)
    assert killed, "the import finished before it could be killed; make the file bigger"
    assert _count_members(env) == 0
    # And the same file, not killed, goes in whole.
    _dangbo(env, "import", "members", str(path), "--commit", "--no-progress", timeout=600)
    assert _count_members(env) == rows
