"""The ``dangbo`` command line: stats, audit verify, serve, and the entry point itself."""

import json
import os
import re
import subprocess
import sys
import urllib.request
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from dangbo.commands.management.commands import serve as serve_command
from dangbo.commands.management.commands.serve import display_url, pending_migrations
from dangbo.commands.management.commands.stats import format_number, parse_as_of

pytestmark = pytest.mark.django_db


def run(*args, **options) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def stats_json(*args) -> dict:
    out, _ = run("stats", *args, "--json")
    return json.loads(out)


# ----------------------------------------------------------------------------- stats


def test_stats_json_today(world):
    data = stats_json("tam-duong")
    assert set(data) >= {"org", "as_of", "members", "grassroots", "sub_cells"}
    assert data["org"] == {
        "code": "tam-duong",
        "name": "Đảng bộ huyện Tam Dương",
        "kind": "district_committee",
    }
    assert data["grassroots"]["total"] == 3
    assert data["grassroots"]["by_kind"] == {"grassroots_committee": 2, "grassroots_cell": 1}
    assert data["grassroots"]["by_sector"] == {"commune": 1, "town": 1, "agency": 1}
    assert data["sub_cells"] == {"total": 3, "by_parent_sector": {"commune": 2, "town": 1}}
    assert data["members"] == {"total": 6, "official": 5, "probationary": 1, "female": 3}


def test_stats_json_keeps_vietnamese_unescaped(world):
    out, _ = run("stats", "kim-long", "--json")
    assert "Đảng bộ xã Kim Long" in out
    assert "\\u" not in out


@pytest.mark.parametrize("as_of", ["2016-12-31", "31/12/2016"])
def test_stats_as_of_end_of_2016(world, as_of):
    data = stats_json("tam-duong", "--as-of", as_of)
    assert data["as_of"] == "2016-12-31"
    # Bình was admitted on 01/06/2016: still probationary at the end of the year.
    assert data["members"]["total"] == 6
    assert data["members"]["probationary"] == 1
    assert data["grassroots"]["total"] == 3


def test_stats_as_of_before_an_admission(world):
    data = stats_json("tam-duong", "--as-of", "31/05/2016")
    assert data["members"] == {"total": 5, "official": 5, "probationary": 0, "female": 3}


def test_stats_text_is_vietnamese(world):
    out, _ = run("stats", "tam-duong", "--as-of", "2016-12-31")
    assert "Tên: Đảng bộ huyện Tam Dương" in out
    assert "Tính đến ngày: 31/12/2016" in out
    assert "Tổng số: 6" in out
    assert "Dự bị: 1" in out
    assert "Đảng bộ cơ sở: 2" in out
    assert "Xã: 2" in out  # sub-cells under commune committees
    assert "{" not in out
    # The oversight block of the year: a year is printed as a year, not as "2.016".
    assert "Phụ trách, dự sinh hoạt, ý kiến:" in out and "Năm: 2016" in out
    assert "Tổ chức chưa có người phụ trách: 3" in out  # kim-long, hop-hoa, cb-toa-an


def test_stats_unknown_org(world):
    with pytest.raises(CommandError) as exc:
        run("stats", "xyz")
    assert str(exc.value) == "Không có tổ chức mã “xyz”."


@pytest.mark.parametrize("bad", ["2016-02-31", "31/02/2016", "2016/12/31", "hôm qua", "12-31-2016"])
def test_stats_bad_date(world, bad):
    with pytest.raises(CommandError) as exc:
        run("stats", "tam-duong", "--as-of", bad)
    assert "--as-of" in str(exc.value)
    assert bad in str(exc.value)


def test_parse_as_of_and_number_format():
    assert parse_as_of(" 2016-12-31 ").isoformat() == "2016-12-31"
    assert parse_as_of("29/02/2016").isoformat() == "2016-02-29"
    assert format_number(5470) == "5.470"
    assert format_number(5_600_000) == "5.600.000"
    assert format_number(12) == "12"
    assert format_number(1234.5) == "1.234,50"


# ----------------------------------------------------------------------------- audit


def test_audit_verify_ok(world):
    out, _ = run("audit", "verify")
    match = re.fullmatch(r"Chuỗi nhật ký toàn vẹn: ([\d.]+) bản ghi đã kiểm tra.\n", out)
    assert match, out
    assert int(match.group(1).replace(".", "")) > 0


def test_audit_verify_detects_edit(world, allow_audit_tampering):
    from dangbo.core.models import AuditEntry

    victim = AuditEntry.objects.order_by("id")[2]
    allow_audit_tampering()
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE core_auditentry SET summary = %s WHERE id = %s", ["đã sửa lén", victim.pk]
        )
    with pytest.raises(CommandError) as exc:
        run("audit", "verify")
    assert exc.value.returncode == 1
    assert "KHÔNG toàn vẹn" in str(exc.value)


def test_audit_verify_lists_broken_entry(world, allow_audit_tampering):
    from dangbo.core.models import AuditEntry

    victim = AuditEntry.objects.order_by("id")[1]
    allow_audit_tampering()
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE core_auditentry SET summary = %s WHERE id = %s", ["đã sửa lén", victim.pk]
        )
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError):
        call_command("audit", "verify", stdout=out, stderr=err)
    assert f"#{victim.pk}: nội dung không khớp mã băm" in err.getvalue()
    assert out.getvalue() == ""


def test_audit_verify_detects_deletion(world, allow_audit_tampering):
    from dangbo.core.models import AuditEntry

    ids = list(AuditEntry.objects.order_by("id").values_list("id", flat=True)[:3])
    allow_audit_tampering()
    with connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditentry WHERE id = %s", [ids[1]])
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("audit", "verify", stdout=StringIO(), stderr=err)
    assert f"#{ids[2]}: liên kết với bản ghi trước bị đứt" in err.getvalue()


def test_audit_needs_an_action(db):
    with pytest.raises(CommandError):
        run("audit", "repair")


# ----------------------------------------------------------------------------- serve


def test_no_pending_migrations_on_test_database(db):
    assert pending_migrations() == []


def test_display_url():
    assert display_url("127.0.0.1", 8000) == "http://127.0.0.1:8000/"
    assert display_url("::1", 8080) == "http://[::1]:8080/"


class FakeServer:
    """Stands in for waitress: records how it was built, stops as Ctrl+C would."""

    effective_port = 8123
    calls: dict = {}

    def __init__(self, application, **kwargs):
        FakeServer.calls = {"application": application, **kwargs}

    def run(self):
        raise KeyboardInterrupt

    def close(self):
        FakeServer.calls["closed"] = True


def test_serve_as_the_demo_calls_it(db, monkeypatch, settings, tmp_path):
    import waitress

    settings.STATIC_ROOT = tmp_path / "static"
    monkeypatch.setattr(waitress, "create_server", FakeServer)
    out, _ = run("serve", host="127.0.0.1", port=8123, no_worker=True)
    assert "dangbo đang chạy tại http://127.0.0.1:8123/ (Ctrl+C để dừng)" in out
    assert "Đã dừng" in out
    assert FakeServer.calls["threads"] == settings.DANGBO["SERVE_THREADS"]
    assert FakeServer.calls["closed"] is True
    assert callable(FakeServer.calls["application"])


def test_serve_refuses_pending_migrations(db, monkeypatch):
    import waitress

    monkeypatch.setattr(waitress, "create_server", FakeServer)
    monkeypatch.setattr(serve_command, "pending_migrations", lambda: ["orgs.0099_future"])
    with pytest.raises(CommandError) as exc:
        run("serve", port=8123, no_worker=True)
    assert "dangbo migrate" in str(exc.value)
    assert "orgs.0099_future" in str(exc.value)


@pytest.mark.parametrize(("option", "value"), [("--port", "70000"), ("--threads", "0")])
def test_serve_rejects_bad_numbers(db, monkeypatch, option, value):
    import waitress

    monkeypatch.setattr(waitress, "create_server", FakeServer)  # never hang on a real server
    with pytest.raises(CommandError) as exc:
        run("serve", option, value, "--no-worker")
    assert option in str(exc.value)


# ----------------------------------------------------------------------------- entry point


def _fresh_env(tmp_path) -> dict:
    """A brand-new embedded installation, whatever engine this test run uses."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DANGBO_")}
    env.update(DANGBO_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="dangbo.settings")
    return env


def dangbo(*args, env, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "dangbo.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        **kwargs,
    )


def test_entry_point_lists_our_commands(tmp_path):
    result = dangbo("help", env=_fresh_env(tmp_path))
    assert result.returncode == 0, result.stderr
    for name in ("serve", "stats", "audit", "migrate"):
        assert re.search(rf"^\s+{name}\s+\S", result.stdout, re.M), name
    assert "dangbo help <lệnh>" in result.stdout


def test_console_script_is_installed(tmp_path):
    """``pip install -e .`` put ``dangbo`` beside the interpreter (pyproject's entry point)."""
    script = os.path.join(os.path.dirname(sys.executable), "dangbo")
    if not os.path.exists(script):
        pytest.skip("dangbo is not installed as a console script in this environment")
    result = subprocess.run(  # noqa: S603 - our own console script
        [script, "stats", "--help"],
        env=_fresh_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("cách dùng: dangbo stats")
    assert "--as-of" in result.stdout


def test_entry_point_errors_are_clean(tmp_path):
    env = _fresh_env(tmp_path)
    assert dangbo("migrate", "-v0", env=env).returncode == 0
    result = dangbo("stats", "khong-co", env=env)
    assert result.returncode == 1
    assert "Không có tổ chức mã “khong-co”." in result.stderr
    assert "Traceback" not in result.stderr
    result = dangbo("audit", "verify", env=env)
    assert result.returncode == 0, result.stderr
    assert "Chuỗi nhật ký toàn vẹn" in result.stdout


def test_serve_for_real(tmp_path):
    """Refuses an unmigrated database, then serves pages and static files once migrated."""
    env = _fresh_env(tmp_path)
    refused = dangbo("serve", "--port", "0", env=env)
    assert refused.returncode == 1
    assert "dangbo migrate" in refused.stderr
    assert "Traceback" not in refused.stderr

    assert dangbo("migrate", "-v0", env=env).returncode == 0
    proc = subprocess.Popen(
        [sys.executable, "-m", "dangbo.cli", "serve", "--port", "0", "--threads", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert match, line + proc.stderr.read() if proc.poll() is not None else line
        base = match.group(0)
        with urllib.request.urlopen(base + "api/v1/health", timeout=10) as resp:  # noqa: S310
            assert json.load(resp) == {"status": "ok"}
        with urllib.request.urlopen(base + "static/admin/css/base.css", timeout=10) as resp:  # noqa: S310
            assert resp.status == 200
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()
        proc.stderr.close()
