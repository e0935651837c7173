"""A roll without a "Ngày chính thức" column: members admitted over a year ago are not
guessed probationary; the preview asks, and the answer decides their status (issue 13.5)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from dangbo.core.dates import fmt, today
from dangbo.imports import services
from dangbo.imports.models import ImportRow, JobState
from dangbo.members.models import Member

from .files import write_csv

pytestmark = pytest.mark.django_db

HEADER = ["STT", "Họ và tên", "Giới tính", "Ngày sinh", "Mã chi bộ", "Ngày kết nạp Đảng"]


def _rows():
    recent = fmt(today() - timedelta(days=100))
    return [
        ["1", "Nông Văn Cũ", "Nam", "02/03/1960", "kl-thon-1", "03/02/1989"],
        ["2", "Đinh Thị Xưa", "Nữ", "04/05/1970", "kl-thon-2", "19/05/2001"],
        ["3", "Lò Văn Mới", "Nam", "06/07/1995", "kl-thon-1", recent],
    ]


def _job(tmp_path, actor, rows=None, header=HEADER, options=None):
    path = write_csv(tmp_path / "so-dang-vien.csv", [header, *(rows or _rows())])
    job = services.create_job(
        actor=actor, kind="members", source=path, original_name="so-dang-vien.csv"
    )
    if options:
        job.options = options
        job.save(update_fields=["options"])
    return services.run(job, actor=actor)


def _rows_of(job) -> dict[int, ImportRow]:
    return {r.row_no: r for r in ImportRow.objects.filter(job=job)}


def test_no_recognition_column_asks_and_a_commit_waits(tmp_path, world):
    actor = world.users["admin"]
    job = _job(tmp_path, actor)
    assert job.state == JobState.PREVIEWED
    [question] = job.questions
    assert question["key"] == "unknown_recognition"
    assert question["count"] == 2
    assert question["text"].startswith("Tệp không có cột “Ngày chính thức”: 2 đảng viên")
    assert [c[0] for c in question["choices"]] == ["official", "probationary"]
    rows = _rows_of(job)
    for row_no in (2, 3):  # admitted long ago: read as now, with a warning that says why
        assert rows[row_no].state == "warning" and rows[row_no].action == "new"
        assert rows[row_no].error_count == 0
        assert any("câu hỏi" in m for m in rows[row_no].messages), rows[row_no].messages
    assert rows[4].state == "new"  # within its 12 months: probationary, nothing to ask
    assert job.unanswered and not job.can_commit
    with pytest.raises(ValidationError):
        services.run(job, commit=True, actor=actor)
    assert not Member.objects.filter(full_name="Nông Văn Cũ").exists()


def test_answer_official_marks_the_date_unknown(tmp_path, world):
    actor = world.users["admin"]
    job = _job(tmp_path, actor, options={"unknown_recognition": "official"})
    assert job.questions and not job.unanswered and job.can_commit
    note = "Chính thức, chưa rõ ngày công nhận (theo lựa chọn khi nhập)."
    assert note in _rows_of(job)[2].messages
    assert not any("quá hạn" in m for m in _rows_of(job)[2].messages)
    job = services.run(job, commit=True, actor=actor)
    assert job.state == JobState.COMMITTED, (job.problem, job.counts)
    old = Member.objects.get(full_name="Nông Văn Cũ")
    assert (old.status, old.official_recognition_date, old.recognition_unknown) == (
        "official",
        None,
        True,
    )
    assert list(old.events.values_list("kind", flat=True)) == ["admitted"]  # no dated event
    assert old.events.get().data["recognition_unknown"] is True
    recent = Member.objects.get(full_name="Lò Văn Mới")
    assert (recent.status, recent.recognition_unknown) == ("probationary", False)
    assert "recognition_unknown" not in recent.events.get().data


def test_answer_probationary_keeps_them_probationary(tmp_path, world):
    actor = world.users["admin"]
    job = _job(tmp_path, actor, options={"unknown_recognition": "probationary"})
    assert job.can_commit
    assert any("quá hạn xét công nhận" in m for m in _rows_of(job)[2].messages)
    job = services.run(job, commit=True, actor=actor)
    assert job.state == JobState.COMMITTED
    old = Member.objects.get(full_name="Nông Văn Cũ")
    assert (old.status, old.recognition_unknown) == ("probationary", False)


def test_members_within_twelve_months_raise_no_question(tmp_path, world):
    actor = world.users["admin"]
    job = _job(tmp_path, actor, rows=_rows()[2:])
    assert job.questions == [] and job.can_commit
    assert _rows_of(job)[2].state == "new"


def test_an_empty_recognition_cell_is_the_office_saying_probationary(tmp_path, world):
    actor = world.users["admin"]
    header = [*HEADER, "Ngày chính thức"]
    rows = [
        [*_rows()[0], ""],
        ["2", "Hà Thị Đủ", "Nữ", "01/01/1970", "kl-thon-1", "03/02/1990", "03/02/1991"],
    ]
    job = _job(tmp_path, actor, rows=rows, header=header)
    assert job.questions == [] and job.can_commit
    assert any("quá hạn xét công nhận" in m for m in _rows_of(job)[2].messages)
    job = services.run(job, commit=True, actor=actor)
    assert Member.objects.get(full_name="Nông Văn Cũ").status == "probationary"
    assert Member.objects.get(full_name="Hà Thị Đủ").status == "official"


def test_a_later_roll_with_the_date_completes_the_recognition(tmp_path, world):
    actor = world.users["admin"]
    job = _job(tmp_path, actor, rows=_rows()[:1], options={"unknown_recognition": "official"})
    services.run(job, commit=True, actor=actor)
    header = [*HEADER, "Ngày chính thức"]
    rows = [[*_rows()[0], "03/02/1990"]]
    job = _job(tmp_path, actor, rows=rows, header=header)
    [row] = _rows_of(job).values()
    assert (row.action, row.state) == ("update", "update"), row.messages
    assert row.messages == ["Bổ sung ngày công nhận chính thức (trước đây chưa rõ): 03/02/1990."]
    job = services.run(job, commit=True, actor=actor)
    assert job.state == JobState.COMMITTED, job.problem
    member = Member.objects.get(full_name="Nông Văn Cũ")
    assert (member.status, member.recognition_unknown) == ("official", False)
    assert member.official_recognition_date.isoformat() == "1990-02-03"
    assert member.events.filter(kind="recognised").count() == 1
    again = _job(tmp_path, actor, rows=rows, header=header)
    assert [r.action for r in _rows_of(again).values()] == ["unchanged"]


def test_a_wrong_date_does_not_complete_it(tmp_path, world):
    actor = world.users["admin"]
    job = _job(tmp_path, actor, rows=_rows()[:1], options={"unknown_recognition": "official"})
    services.run(job, commit=True, actor=actor)
    rows = [[*_rows()[0], "03/02/1989"]]  # the ceremony's day: not 12 months later
    job = _job(tmp_path, actor, rows=rows, header=[*HEADER, "Ngày chính thức"])
    [row] = _rows_of(job).values()
    assert (row.action, row.state) == ("unchanged", "warning"), row.messages
    assert row.messages[0].startswith("Ngày chính thức: Ngày công nhận chính thức phải từ")
    assert Member.objects.get(full_name="Nông Văn Cũ").recognition_unknown


def test_the_rolls_own_word_for_the_status_decides_without_a_question(tmp_path, world):
    """A "Loại đảng viên" column (or "Chính thức" / "Dự bị" ticked) says the status the roll
    has no date for: nothing to ask; words that contradict the dates are errors."""
    actor = world.users["admin"]
    recent = fmt(today() - timedelta(days=100))
    header = [*HEADER, "Loại đảng viên"]
    rows = [
        ["1", "Nông Văn Cũ", "Nam", "02/03/1960", "kl-thon-1", "03/02/1989", "Chính thức"],
        ["2", "Đinh Thị Xưa", "Nữ", "04/05/1970", "kl-thon-2", "19/05/2001", "dự bị"],
        ["3", "Lò Văn Mới", "Nam", "06/07/1995", "kl-thon-1", recent, "Dự bị"],
    ]
    job = _job(tmp_path, actor, rows=rows, header=header)
    assert job.questions == [] and job.can_commit, (job.questions, job.counts)
    job = services.run(job, commit=True, actor=actor)
    assert job.state == JobState.COMMITTED, (job.problem, job.counts)
    old = Member.objects.get(full_name="Nông Văn Cũ")
    assert (old.status, old.recognition_unknown) == ("official", True)
    assert Member.objects.get(full_name="Đinh Thị Xưa").status == "probationary"
    assert Member.objects.get(full_name="Lò Văn Mới").status == "probationary"


@pytest.mark.parametrize(
    ("admitted", "word", "recognised", "message"),
    [
        ("recent", "Chính thức", "", "Loại đảng viên: ghi “Chính thức” nhưng đảng viên chưa hết"),
        ("old", "Dự bị", "10/02/1990", "Loại đảng viên: ghi “Dự bị” nhưng có ngày chính thức"),
        ("old", "Có", "", "Loại đảng viên: “Có” không hợp lệ (chọn: Chính thức, Dự bị)"),
    ],
)
def test_a_status_word_against_the_dates_is_an_error(
    tmp_path, world, admitted, word, recognised, message
):
    actor = world.users["admin"]
    date_admitted = fmt(today() - timedelta(days=100)) if admitted == "recent" else "03/02/1989"
    header = [*HEADER, "Ngày chính thức", "Loại đảng viên"]
    row = ["1", "Nông Văn Cũ", "Nam", "02/03/1960", "kl-thon-1", date_admitted, recognised, word]
    job = _job(tmp_path, actor, rows=[row], header=header)
    [stored] = ImportRow.objects.filter(job=job)
    assert stored.state == "error" and stored.error_count >= 1, stored.messages
    assert any(m.startswith(message) for m in stored.messages), stored.messages
    assert not Member.objects.filter(full_name="Nông Văn Cũ").exists()
