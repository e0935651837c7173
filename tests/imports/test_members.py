"""Member imports: every row gets a state before anything is written; commit is all or none."""

from datetime import date

import pytest

from dangbo.core.models import AuditEntry
from dangbo.imports import services
from dangbo.imports.models import ImportRow, JobState
from dangbo.members.models import Member, MemberEvent, Membership

from .files import MEMBER_HEADER, write_csv, write_xlsx

pytestmark = pytest.mark.django_db

NEW = [
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


def run(tmp_path, rows, *, actor=None, commit=False, name="dang-vien.csv", header=MEMBER_HEADER):
    path = tmp_path / name
    if name.endswith(".xlsx"):
        write_xlsx(path, [header, *rows])
    else:
        write_csv(path, [header, *rows])
    job = services.create_job(actor=actor, kind="members", source=path, original_name=name)
    return services.run(job, commit=commit, actor=actor)


def rows_of(job) -> dict[int, ImportRow]:
    return {r.row_no: r for r in ImportRow.objects.filter(job=job)}


@pytest.fixture
def an_card(world):
    Member.objects.filter(pk=world.members["an"].pk).update(card_number="22223333")
    return "22223333"


def test_preview_gives_every_row_a_state_and_writes_nothing(tmp_path, world, an_card):
    before = (Member.objects.count(), MemberEvent.objects.count(), AuditEntry.objects.count())
    job = run(
        tmp_path,
        [
            NEW,  # row 2: new
            ["", "Nguyễn Thị Hương", "Nữ", "", "", "12345678", "", "", "0912345678"],  # 3: update
            ["", "Trần Văn An", "", "", "", an_card, "", "", ""],  # 4: unchanged
            ["", "Lý Thị Năm", "Nữ", "05/06/85", "kl-thon-1", "", "01/02/2015", "01/02/2016", ""],
            ["", "Bùi Văn Nhỏ", "Nam", "01/01/2000", "kl-thon-1", "", "01/06/2017", "", ""],
            ["", "Hà Văn Lạ", "Nam", "01/01/1980", "khong-co", "", "01/02/2015", "", ""],
            ["", "Cao Văn Một", "Nam", "01/01/1980", "kl-thon-1", "55556666", "01/02/2015", "", ""],
            ["", "Cao Văn Hai", "Nam", "01/01/1981", "kl-thon-1", "55556666", "01/02/2015", "", ""],
        ],
        actor=world.users["admin"],
    )
    assert job.state == JobState.PREVIEWED
    rows = rows_of(job)
    assert rows[2].state == "new" and rows[2].action == "new"
    assert rows[3].state == "update" and rows[3].messages == ["Cập nhật: Điện thoại."]
    assert rows[4].state == "unchanged"
    assert rows[5].state == "warning" and rows[5].action == "new"
    assert "Ngày sinh: năm viết 2 chữ số “05/06/85”, hiểu là 05/06/1985." in rows[5].messages
    assert rows[6].state == "error"
    assert any(
        m.startswith("Ngày sinh: Người được kết nạp chưa đủ 18 tuổi") for m in rows[6].messages
    )
    assert rows[7].state == "error"
    assert rows[7].messages[0].startswith("Mã chi bộ: không có tổ chức mã “khong-co”")
    assert rows[8].state == rows[9].state == "error"
    assert "Số thẻ đảng viên: 55556666 trùng với dòng 9 trong tệp." in rows[8].messages
    assert "Số thẻ đảng viên: 55556666 trùng với dòng 8 trong tệp." in rows[9].messages
    assert job.counts == {"new": 1, "update": 1, "unchanged": 1, "warning": 1, "error": 4}
    assert not job.can_commit
    after = (Member.objects.count(), MemberEvent.objects.count(), AuditEntry.objects.count())
    assert after == before


def test_commit_applies_every_row(tmp_path, world, an_card):
    actor = world.users["admin"]
    rows = [NEW, ["", "", "", "", "", "12345678", "", "", "0912345678"]]
    preview = run(tmp_path, rows, actor=actor)
    assert preview.can_commit and preview.counts["new"] == 1 and preview.counts["update"] == 1
    job = services.run(preview, commit=True, actor=actor)
    assert job.state == JobState.COMMITTED
    new = Member.objects.get(card_number="87654321")
    assert (new.full_name, new.gender, new.status, new.org.code) == (
        "Ngô Văn Mới",
        "M",
        "official",
        "kl-thon-2",
    )
    assert new.search_name == "ngo van moi" and new.sort_key
    assert Membership.objects.get(member=new).valid_from == date(2015, 2, 1)
    assert list(new.events.values_list("kind", flat=True)) == ["admitted", "recognised"]
    huong = Member.objects.get(pk=world.members["huong"].pk)
    assert huong.phone == "0912345678"
    event = huong.events.get(kind="updated")
    assert event.data["changes"]["phone"] == ["", "0912345678"]
    entry = AuditEntry.objects.filter(action="import.members").get()
    assert entry.actor == actor and entry.after["new"] == 1 and entry.after["update"] == 1
    assert entry.after["sha256"] == job.sha256
    # Tam Dương's auditors see it: the entry is scoped to the lowest common organisation.
    assert entry.scope_path


def test_commit_with_one_bad_row_writes_nothing(tmp_path, world):
    actor = world.users["admin"]
    before = (Member.objects.count(), MemberEvent.objects.count(), AuditEntry.objects.count())
    bad = ["", "Bùi Văn Nhỏ", "Nam", "01/01/2000", "kl-thon-1", "", "01/06/2017", "", ""]
    good_update = ["", "", "", "", "", "12345678", "", "", "0912345678"]
    job = services.create_job(
        actor=actor,
        kind="members",
        source=write_csv(tmp_path / "f.csv", [MEMBER_HEADER, NEW, good_update, bad]),
        original_name="f.csv",
    )
    job = services.run(job, commit=True, actor=actor)
    assert job.state == JobState.PREVIEWED and job.errors == 1
    assert "Không ghi gì vào cơ sở dữ liệu" in job.problem
    after = (Member.objects.count(), MemberEvent.objects.count(), AuditEntry.objects.count())
    assert after == before
    assert Member.objects.get(pk=world.members["huong"].pk).phone == ""
    assert rows_of(job)[4].state == "error"


def test_duplicate_against_the_database_and_two_cells_at_once(tmp_path, world):
    actor = world.users["admin"]
    job = run(
        tmp_path,
        [
            # Hương is in kl-thon-1: a row putting her in kl-thon-2 would make two cells.
            ["", "Nguyễn Thị Hương", "Nữ", "", "kl-thon-2", "12345678", "", "", ""],
            # Tiến's ID number belongs to a member outside this user's scope.
        ],
        actor=actor,
    )
    row = rows_of(job)[2]
    assert row.state == "error"
    assert "không thể đồng thời ở Chi bộ thôn Gia Du" in row.messages[0]


def test_card_of_a_member_out_of_scope_is_reported_without_revealing_them(tmp_path, world):
    Member.objects.filter(pk=world.members["tien"].pk).update(card_number="99990000")
    row = ["", "Người Mới", "Nam", "01/01/1980", "kl-thon-1", "99990000", "01/02/2015", "", ""]
    job = run(tmp_path, [row], actor=world.users["staff"])
    messages = rows_of(job)[2].messages
    assert any(m.endswith(": đã được sử dụng.") for m in messages)
    assert not any("99990000" in m or "phạm vi" in m for m in messages)
    assert not any("Hoàng Minh Tiến" in m or "Bảo Sơn" in m for m in messages)


def test_org_out_of_scope_is_unknown(tmp_path, world):
    row = ["", "Người Mới", "Nam", "01/01/1980", "vt-thon", "", "01/02/2015", "", ""]
    job = run(tmp_path, [row], actor=world.users["staff"])
    assert rows_of(job)[2].messages[0].startswith("Mã chi bộ: không có tổ chức mã “vt-thon”")


def test_org_that_is_not_a_cell(tmp_path, world):
    row = ["", "Người Mới", "Nam", "01/01/1980", "kim-long", "", "01/02/2015", "", ""]
    job = run(tmp_path, [row], actor=world.users["admin"])
    assert "không phải là chi bộ" in rows_of(job)[2].messages[0]


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ({3: "31/02/1990"}, "Ngày sinh: tháng 2/1990 không có ngày 31"),
        ({3: "hôm qua"}, "Ngày sinh: “hôm qua” không phải là ngày; nhập theo dạng dd/mm/yyyy"),
        ({3: "01/13/1980"}, "Ngày sinh: tháng 13 không có"),
        ({3: "01/01/980"}, "Ngày sinh: năm phải có 4 chữ số"),
        ({6: "01/02/2099"}, "Ngày vào Đảng: 01/02/2099 là ngày trong tương lai."),
        (
            {7: "01/06/2015"},
            "Ngày chính thức: Ngày công nhận chính thức phải từ ngày hết 12 tháng dự bị (01/02/2016) trở đi.",
        ),
        ({2: "Khác"}, "Giới tính: “Khác” không hợp lệ"),
        ({5: "1234"}, "Số thẻ đảng viên: phải gồm 8 chữ số"),
        ({1: ""}, "Họ và tên: bắt buộc với đảng viên mới."),
        ({3: "01/01/1950"}, "Ngày sinh: Người được kết nạp đã quá 60 tuổi"),
        ({8: "12ab"}, "Điện thoại: phải gồm 8–15 chữ số."),
    ],
)
def test_row_errors_name_the_column(tmp_path, world, cells, message):
    row = list(NEW)
    for index, value in cells.items():
        row[index] = value
    job = run(tmp_path, [row], actor=world.users["admin"])
    result = rows_of(job)[2]
    assert result.state == "error"
    assert any(m.startswith(message) for m in result.messages), result.messages


def test_probationary_overdue_is_a_warning(tmp_path, world):
    row = ["", "Dự Bị Lâu", "Nam", "01/01/1980", "kl-thon-1", "", "01/02/2015", "", ""]
    job = run(tmp_path, [row], actor=world.users["admin"])
    result = rows_of(job)[2]
    assert result.state == "warning" and "quá hạn xét công nhận chính thức" in result.messages[0]


def test_secretary_cannot_write_and_sensitive_columns_need_the_grant(tmp_path, world):
    job = run(tmp_path, [NEW], actor=world.users["secretary"])
    assert job.state == JobState.FAILED and "không có quyền" in job.problem
    header = [*MEMBER_HEADER, "Số CCCD"]
    job = run(tmp_path, [[*NEW, "026190001111"]], actor=world.users["staff"], header=header)
    assert job.state == JobState.FAILED
    assert "“Số CCCD”: thông tin nhạy cảm" in job.problem
    job = run(tmp_path, [[*NEW, "026190001111"]], actor=world.users["admin"], header=header)
    assert rows_of(job)[2].state == "new"


def test_sensitive_values_never_reach_the_preview_or_the_log(tmp_path, world):
    header = [*MEMBER_HEADER, "Số CCCD", "Dân tộc"]
    rows = [
        ["", "", "", "", "", "12345678", "", "", "", "026180001235", "Tày"],
    ]
    actor = world.users["admin"]
    job = run(tmp_path, rows, actor=actor, header=header)
    row = rows_of(job)[2]
    assert row.state == "update"
    assert "026180001235" not in str(row.messages) and "Tày" not in str(row.messages)
    job = services.run(job, commit=True, actor=actor)
    event = MemberEvent.objects.filter(kind="updated").latest("id")
    assert event.data["changes"]["id_number"] == ["***", "***"]
    assert "Tày" not in str(AuditEntry.objects.latest("id").after)


def test_the_upload_is_private_and_gone_after_commit(tmp_path, world):
    import stat

    job = run(tmp_path, [NEW], actor=world.users["admin"])
    path = services.stored_path(job)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    services.run(job, commit=True, actor=world.users["admin"])
    assert not path.exists()
    assert ImportRow.objects.filter(job=job).exists()
