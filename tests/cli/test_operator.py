"""The operator's ``dangbo``: the real console script, run in subprocesses from a folder outside
the source tree — where the data lives, wrong settings, argparse in Vietnamese, --version,
help, and ``dangbo setup`` for a first real install (issue 12, item 11)."""

import os
import re
import runpy
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from dangbo import config

SCRIPT = Path(sys.executable).with_name("dangbo")
SETTINGS = Path(config.__file__).with_name("settings.py")
PASSWORD = "Chuoi-mat-khau-9"

pytestmark = pytest.mark.skipif(
    not SCRIPT.exists(), reason="dangbo is not installed as a console script here"
)


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DANGBO_", "DJANGO_"))}
    env.update(extra)
    return env


def dangbo(*args, cwd, env, input=None) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own console script
        [str(SCRIPT), *args],
        cwd=cwd,
        env=env,
        input=input,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def _clean(result: subprocess.CompletedProcess) -> str:
    assert "Traceback" not in result.stderr, result.stderr
    return result.stderr


@pytest.fixture(scope="module")
def outside(tmp_path_factory) -> Path:
    """A working folder outside the source tree."""
    return tmp_path_factory.mktemp("elsewhere")


@pytest.fixture(scope="module")
def installed(tmp_path_factory, outside) -> dict:
    """A data directory made by ``dangbo setup`` (first refused for a missing province)."""
    data = tmp_path_factory.mktemp("data") / "dangbo"
    env = _env(DANGBO_DATA_DIR=str(data), DANGBO_NEW_PASSWORD=PASSWORD)
    args = ("setup", "--org-name", "Đảng bộ huyện Tam Dương", "--admin", "quantri")
    refused = dangbo(*args, cwd=outside, env=env)
    assert refused.returncode == 1, refused.stderr
    assert "Tên tỉnh ủy cấp trên: bắt buộc" in _clean(refused)
    done = dangbo(
        *args, "--parent-name", "Đảng bộ tỉnh Vĩnh Phúc", "--name", "Nguyễn Văn An",
        cwd=outside, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    env.pop("DANGBO_NEW_PASSWORD")
    return {"env": env, "setup": done, "data": data}


# ----------------------------------------------------------------------------- data directory


def test_default_data_dir_is_the_source_trees_var_never_the_current_folder(outside):
    data, source = config.data_dir(config.Env({}))
    assert data == Path(config.__file__).resolve().parents[2] / "var"
    assert "mặc định" in source
    data, source = config.data_dir(config.Env({"DANGBO_DATA_DIR": str(outside)}))
    assert (data, source) == (outside.resolve(), "từ DANGBO_DATA_DIR")


def test_no_database_says_where_it_looked_and_creates_nothing(outside):
    missing = outside / "chua-co"
    result = dangbo("stats", "tam-duong", cwd=outside, env=_env(DANGBO_DATA_DIR=str(missing)))
    assert result.returncode == 1
    err = _clean(result)
    assert f"không thấy tệp {missing / 'dangbo.sqlite3'}" in err
    assert "DANGBO_DATA_DIR" in err and "DANGBO_DATABASE_URL" in err
    assert "dangbo setup" in err and "dangbo migrate" in err
    assert not missing.exists()
    assert not (outside / "var").exists()


def test_a_data_dir_that_is_a_file_is_named(outside):
    afile = outside / "khong-phai-thu-muc"
    afile.write_text("x")
    result = dangbo("help", cwd=outside, env=_env(DANGBO_DATA_DIR=str(afile)))
    assert result.returncode == 2
    assert f"(DANGBO_DATA_DIR): {afile} là một tệp, không phải thư mục." in _clean(result)


def test_with_its_data_dir_it_works_from_anywhere(installed, outside):
    result = dangbo("stats", "dang-bo-huyen-tam-duong", "--json", cwd=outside, env=installed["env"])
    assert result.returncode == 0, result.stderr
    assert "Đảng bộ huyện Tam Dương" in result.stdout
    assert not (outside / "var").exists()


# ----------------------------------------------------------------------------- settings

BAD_SETTINGS = [
    ("DANGBO_LOG_LEVEL", "bogus"),
    ("DANGBO_CONN_MAX_AGE", "abc"),
    ("DANGBO_DATABASE_URL", "notaurl"),
    ("DANGBO_DATABASE_URL", "mysql://dangbo@db/dangbo"),
    ("DANGBO_STREAK_SUCCESSION", "some"),
    ("DANGBO_IMPORT_MAX_MB", "x"),
    ("DANGBO_IMPORT_INLINE_KB", "-5"),
    ("DANGBO_TASKS_BACKEND", "celery"),
    ("DANGBO_DEBUG", "maybe"),
    ("DANGBO_PORT", "tám nghìn"),
]


@pytest.mark.parametrize(("name", "value"), BAD_SETTINGS)
def test_a_wrong_setting_is_named_in_vietnamese(installed, outside, name, value):
    env = {**installed["env"], name: value}
    result = dangbo("stats", "dang-bo-huyen-tam-duong", cwd=outside, env=env)
    assert result.returncode == 2
    err = _clean(result)
    assert err.startswith("Cấu hình sai (biến môi trường):")
    assert f"{name} = “{value}”" in err


def _declared_settings(kind: str) -> list[str]:
    text = SETTINGS.read_text(encoding="utf-8")
    names = re.findall(rf'ENV\.{kind}\(\s*"(DANGBO_\w+)"', text)
    if kind == "boolean":
        names += re.findall(r'_env_bool\(\s*"(DANGBO_\w+)"', text)
    return sorted(set(names))


@pytest.mark.parametrize("kind", ["integer", "boolean"])
def test_every_number_and_switch_is_checked(monkeypatch, tmp_path, kind):
    """settings.py read again with each of its integer (boolean) variables wrong: every one
    of them is named, none is silently taken."""
    names = _declared_settings(kind)
    assert len(names) >= (10 if kind == "integer" else 4), names
    for name in [n for n in os.environ if n.startswith("DANGBO_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("DANGBO_DATA_DIR", str(tmp_path))
    for name in names:
        monkeypatch.setenv(name, "không-phải-số" if kind == "integer" else "có lẽ")
    with pytest.raises(config.SettingsError) as exc:
        runpy.run_path(str(SETTINGS))
    named = [p.split(" = ")[0] for p in exc.value.problems]
    assert sorted(named) == names


def test_a_postgres_role_that_does_not_exist(installed, outside):
    url = "postgres://khong_co_vai_tro:mat-khau-bi-mat@127.0.0.1:5432/operator"
    result = dangbo("stats", "tam-duong", cwd=outside, env=_env(DANGBO_DATABASE_URL=url))
    assert result.returncode == 2
    err = _clean(result)
    assert "DANGBO_DATABASE_URL = postgres://khong_co_vai_tro:***@127.0.0.1:5432/operator" in err
    assert "mat-khau-bi-mat" not in err
    # Whether a server answers here or not, the reason is said in Vietnamese.
    assert "không có trên máy chủ" in err or "máy chủ không trả lời" in err


def test_redact_hides_only_the_password():
    assert config.redact("postgres://u:p%40ss@h:5432/d") == "postgres://u:***@h:5432/d"
    assert config.redact("sqlite:////tmp/x.sqlite3") == "sqlite:////tmp/x.sqlite3"


# ----------------------------------------------------------------------------- argparse, help


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("stats",), "dangbo stats: lỗi: thiếu tham số bắt buộc: ORG"),
        (("user", "grant", "lan", "chu-tich", "tam-duong"), "lựa chọn không hợp lệ: 'chu-tich'"),
        (("stats", "tam-duong", "--khong-co"), "tham số không nhận ra: --khong-co"),
        (("stats", "tam-duong", "--as-of"), "tham số --as-of: cần đúng một giá trị"),
    ],
)
def test_argument_errors_are_vietnamese(installed, outside, args, expected):
    result = dangbo(*args, cwd=outside, env=installed["env"])
    assert result.returncode == 2
    err = _clean(result)
    assert expected in err
    assert err.startswith("cách dùng: dangbo ")
    for english in ("usage:", "error:", "required", "invalid choice", "unrecognized"):
        assert english not in err


def test_command_help_is_vietnamese(installed, outside):
    result = dangbo("setup", "--help", cwd=outside, env=installed["env"])
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("cách dùng: dangbo setup")
    assert "\ntuỳ chọn:\n" in out and "hiện hướng dẫn này rồi thoát" in out
    assert "Mức chi tiết" in out
    for english in ("usage:", "options:", "show this help", "Verbosity level"):
        assert english not in out


def test_version_is_dangbos(outside):
    result = dangbo("--version", cwd=outside, env=_env())
    assert result.returncode == 0
    assert result.stdout == f"dangbo {metadata.version('dangbo')}\n"


@pytest.mark.parametrize("args", [("help",), ()])
def test_help_lists_dangbos_commands_first(installed, outside, args):
    result = dangbo(*args, cwd=outside, env=installed["env"])
    assert result.returncode == 0, result.stderr
    out = result.stdout
    ours, _, django = out.partition("Lệnh của Django (cho người phát triển):")
    assert django, out
    ours = ours.split("Lệnh của dangbo:")[1]
    rows = dict(
        re.match(r"\s+(\S+)\s+(.+)", line).groups() for line in ours.splitlines() if line.strip()
    )
    assert list(rows)[:3] == ["setup", "demo", "serve"]
    for name in ("stats", "audit", "user", "token", "import", "migrate"):
        assert name in rows
    assert rows["setup"].startswith("Cài đặt lần đầu")
    assert all(re.search(r"[à-ỹđ]", text) for text in rows.values()), rows  # Vietnamese
    django_names = django.split()
    for name in ("shell", "dbshell", "makemigrations", "startapp"):
        assert name in django_names
    assert not set(rows) & set(django_names)


def test_a_refusal_reads_loi_not_the_exception_class(installed, outside):
    result = dangbo("stats", "khong-co", cwd=outside, env=installed["env"])
    assert result.returncode == 1
    assert result.stderr == "Lỗi: Không có tổ chức mã “khong-co”.\n"


def test_unknown_command_is_vietnamese(installed, outside):
    result = dangbo("stat", cwd=outside, env=installed["env"])
    assert result.returncode == 1
    assert "Không có lệnh “stat”. Có phải “stats”?" in _clean(result)


# ----------------------------------------------------------------------------- setup


def test_setup_creates_the_top_and_its_administrator_once(installed, outside):
    assert "Đã tạo Đảng bộ huyện Tam Dương (mã dang-bo-huyen-tam-duong)" in (
        installed["setup"].stdout
    )
    grants = dangbo("user", "list", cwd=outside, env=installed["env"])
    assert re.search(r"quantri\s+Quản trị\s+Đảng bộ huyện Tam Dương .* · nhạy cảm", grants.stdout)
    again = dangbo(
        "setup", "--org-name", "Đảng bộ huyện Khác", "--parent-name", "Đảng bộ tỉnh Khác",
        "--admin", "khac", cwd=outside, env={**installed["env"], "DANGBO_NEW_PASSWORD": PASSWORD},
    )  # fmt: skip
    assert again.returncode == 1
    assert "Đã cài đặt" in _clean(again)
    # Audited: Trung ương, the province, the district, the login and its grant.
    verify = dangbo("audit", "verify", cwd=outside, env=installed["env"])
    assert verify.stdout == "Chuỗi nhật ký toàn vẹn: 5 bản ghi đã kiểm tra.\n"


def test_setup_without_a_password_in_a_pipe_refuses(tmp_path, outside):
    data = tmp_path / "moi"
    result = dangbo(
        "setup", "--org-name", "Trung ương", "--kind", "central", "--admin", "qt",
        cwd=outside, env=_env(DANGBO_DATA_DIR=str(data)), input="",
    )  # fmt: skip
    assert result.returncode == 1
    assert "DANGBO_NEW_PASSWORD" in _clean(result)
    shutil.rmtree(data, ignore_errors=True)
