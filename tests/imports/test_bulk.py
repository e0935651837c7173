"""The bulk mode of member imports (issue 17): a file of ``IMPORT_BULK_ROWS`` rows or more
stages its new members and writes them set-wise once the whole file is checked. It must give
exactly the outcome of the normal path — every row's state, action and messages, the job's
counts and notes, and every member, membership and event written — on the same file.

Each file is imported twice in one test, once per path, each inside a transaction rolled
back afterwards, so both start from the same database. The chunk is made small (a constant
of the service, not a mock) so that a few rows already span several chunks: the normal path
then writes chunk by chunk, the bulk path once."""

import re

import pytest
from django.db import transaction

from dangbo.imports import services
from dangbo.imports.models import ImportRow, JobState
from dangbo.members.models import Member, MemberEvent, Membership

from . import office, test_office_files
from .files import MEMBER_HEADER, write_csv
from .test_members import NEW

pytestmark = pytest.mark.django_db
actor = test_office_files.actor  # the fixture: the admin, and a third cell under Kim Long

NORMAL, BULK = 10**9, 1  # IMPORT_BULK_ROWS for each path
JOB_ID = re.compile(r"#\d+")


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch):
    monkeypatch.setattr(services, "CHUNK", 3)


def snapshot(job) -> dict:
    """What an import leaves behind, without ids, timestamps and the job's own number."""
    job.refresh_from_db()
    rows = [
        (r.sheet, r.row_no, r.state, r.action, r.label, [JOB_ID.sub("#", m) for m in r.messages])
        for r in ImportRow.objects.filter(job=job).order_by("sheet", "row_no")
    ]
    skip = {"id", "created_at", "updated_at"}
    members = Member.objects.order_by("full_name", "date_of_birth", "card_number")
    keys = {m.pk: (m.full_name, m.date_of_birth, m.card_number) for m in members}
    member_rows = [
        {
            f.attname: getattr(m, f.attname)
            for f in Member._meta.concrete_fields
            if f.attname not in skip
        }
        for m in members
    ]
    memberships = sorted(
        (keys[s.member_id], s.org_id, s.kind, s.valid_from, s.valid_to, s.reason)
        for s in Membership.objects.all()
    )
    events = sorted(
        (
            keys[e.member_id],
            e.kind,
            e.effective_date,
            e.status_after,
            JOB_ID.sub("#", e.note),
            sorted((k, str(v)) for k, v in e.data.items() if k != "import_job"),
            "import_job" in e.data,
            e.recorded_by_id,
        )
        for e in MemberEvent.objects.all()
    )
    return {
        "state": job.state,
        "counts": job.counts,
        "actions": job.actions,
        "problem": job.problem,
        "notes": [n for n in job.notes if n != services.BULK_NOTE],
        "questions": job.questions,
        "rows": rows,
        "members": member_rows,
        "memberships": memberships,
        "events": events,
    }


def import_both_ways(settings, path, actor, *, answer=None) -> tuple[dict, dict, list[bool]]:
    """The file previewed then committed by each path, from the same database."""
    results, bulk = [], []
    for bound in (NORMAL, BULK):
        settings.DANGBO = {**settings.DANGBO, "IMPORT_BULK_ROWS": bound}
        with transaction.atomic():
            job = services.create_job(
                actor=actor, kind="members", source=path, original_name=path.name
            )
            job = services.run(job, actor=actor)
            if answer and job.unanswered:
                job.options = {**job.options, **answer}
                job.save(update_fields=["options"])
            if job.state == JobState.PREVIEWED and not job.errors:
                job = services.run(job, commit=True, actor=actor)
            results.append(snapshot(job))
            bulk.append(services.BULK_NOTE in job.notes)
            transaction.set_rollback(True)
    return results[0], results[1], bulk


@pytest.mark.parametrize(
    "layout", ["mot-dong", "theo-chi-bo", "chinh-thuc-du-bi", "moi-chi-bo-mot-trang"]
)
def test_office_roll_gives_the_same_outcome_in_bulk(settings, tmp_path, actor, layout):
    path = tmp_path / f"danh-sach-{layout}.xlsx"
    office.write(path, office.LAYOUTS[layout])
    normal, bulk, used = import_both_ways(
        settings, path, actor, answer={"unknown_recognition": "official"}
    )
    assert used == [False, True]
    assert normal["state"] == JobState.COMMITTED, normal["problem"]
    assert normal["counts"]["new"] + normal["counts"]["warning"] == len(office.MEMBERS)
    assert len(normal["members"]) > len(office.MEMBERS)  # the world's and the file's
    assert bulk == normal


def test_mixed_rows_over_several_chunks_give_the_same_outcome(settings, tmp_path, world, actor):
    """New official and probationary members, an update, an unchanged member, a row repeated
    as is, a near match, a ceremony date left empty, a recognition date that completes a
    record — spread over four chunks of three rows."""
    Member.objects.filter(pk=world.members["an"].pk).update(card_number="22223333")
    Member.objects.filter(pk=world.members["huong"].pk).update(recognition_unknown=True)
    rows = [
        NEW,
        ["", "Nguyễn Thị Hương", "Nữ", "", "", "12345678", "", "", "0912345678"],
        ["", "Trần Văn An", "", "", "", "22223333", "", "", ""],
        ["", "Lý Thị Năm", "Nữ", "05/06/85", "kl-thon-1", "", "01/02/2015", "01/02/2016", ""],
        NEW,
        ["", "Bùi Thị Dự", "Nữ", "02/03/1995", "kl-thon-3", "87650001", "15/06/2026", "", ""],
        ["", "Trần Văn An", "Nam", "10/01/1950", "kl-thon-2", "", "19/05/1999", "", ""],
        [
            "",
            "Đỗ Văn Sáu",
            "Nam",
            "04/04/1988",
            "hh-tdp-1",
            "87650002",
            "01/09/2010",
            "01/09/2011",
            "",
        ],
        ["", "Phan Thị Bảy", "Nữ", "07/07/1977", "cb-toa-an", "", "01/01/2005", "", ""],
        [
            "",
            "Hồ Văn Tám",
            "Nam",
            "08/08/1980",
            "kl-thon-1",
            "87650003",
            "08/08/2008",
            "08/08/2009",
            "",
        ],
    ]
    path = write_csv(tmp_path / "hon-hop.csv", [MEMBER_HEADER, *rows])
    normal, bulk, used = import_both_ways(
        settings, path, actor, answer={"unknown_recognition": "official"}
    )
    assert used == [False, True]
    assert normal["state"] == JobState.COMMITTED, (normal["problem"], normal["rows"])
    states = {r[1]: (r[2], r[3]) for r in normal["rows"]}
    assert states[6] == ("warning", "duplicate")  # row 2 repeated as is
    assert states[3][1] == "update" and states[4] == ("unchanged", "unchanged")
    assert {"new"} <= {s[1] for s in states.values()}
    assert bulk == normal


def test_a_file_with_an_error_writes_nothing_either_way(settings, tmp_path, actor):
    rows = [
        ["", f"Lê Văn {i}", "Nam", "01/01/1980", "kl-thon-1", f"8765{i:04d}", "01/02/2015", "", ""]
        for i in range(8)
    ]
    rows.append(
        ["", "Lê Văn Sai", "Nam", "01/01/1980", "khong-co", "87659999", "01/02/2015", "", ""]
    )
    rows.append(
        ["", "Lê Văn Trùng", "Nam", "02/01/1980", "kl-thon-2", "87650001", "01/02/2015", "", ""]
    )
    path = write_csv(tmp_path / "co-loi.csv", [MEMBER_HEADER, *rows])
    members_before = Member.objects.count()
    normal, bulk, used = import_both_ways(settings, path, actor)
    assert normal["state"] == JobState.PREVIEWED
    assert normal["counts"]["error"] == 3  # the unknown cell; a card on two rows
    assert len(normal["members"]) == members_before
    assert bulk == normal


@pytest.mark.parametrize("chunk", [1, 3])  # a middle chunk; the last one, finished after the loop
def test_a_chunk_the_database_refuses_stops_the_writing_and_nothing_is_written(
    settings, tmp_path, actor, chunk
):
    """Committed without a preview, two people of one chunk share a card: the database
    refuses that chunk's inserts (on PostgreSQL while the next chunk is being read). The
    writing stops, every row is still checked, both rows are named, nothing is written."""
    settings.DANGBO = {**settings.DANGBO, "IMPORT_BULK_ROWS": NORMAL}
    rows = [
        ["", f"Lê Văn {i}", "Nam", "01/01/1980", "kl-thon-1", f"8766{i:04d}", "01/02/2015", "", ""]
        for i in range(12)
    ]
    first, second = chunk * 3, chunk * 3 + 1
    rows[second][5] = rows[first][5]
    path = write_csv(tmp_path / "the-trung.csv", [MEMBER_HEADER, *rows])
    members, events = Member.objects.count(), MemberEvent.objects.count()
    job = services.create_job(actor=actor, kind="members", source=path, original_name=path.name)

    job = services.run(job, commit=True, actor=actor)

    assert job.state == JobState.PREVIEWED
    assert sum(job.counts.values()) == len(rows)
    errors = ImportRow.objects.filter(job=job, state="error").order_by("row_no")
    assert [r.row_no for r in errors] == [first + 2, second + 2]  # the header is row 1
    assert f"trùng với dòng {second + 2}" in errors[0].messages[0]
    assert Member.objects.count() == members and MemberEvent.objects.count() == events
    assert not Member.objects.filter(card_number__startswith="8766").exists()


def test_writes_left_running_say_at_settle_what_they_broke_and_leave_the_rest(world):
    """``bulk.Background`` on its own: the statements sent after ``start`` run while Python
    goes on; ``settle`` raises the ``IntegrityError`` they hit, after rolling back to the
    savepoint, and the transaction goes on. SQLite has no such mode: ``start`` says so."""
    from django.db import IntegrityError, connection

    from dangbo.imports import bulk

    member = world.members["an"]
    with transaction.atomic():
        Member.objects.filter(pk=member.pk).update(phone="0911000111")
        background = bulk.Background()
        savepoint = transaction.savepoint()
        if not background.start(savepoint):
            assert connection.vendor == "sqlite"
            transaction.savepoint_rollback(savepoint)
            return
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE members_member SET phone = '0911000222' WHERE id = %s", [member.pk]
            )
            # Every membership again, ids and all: refused by the primary key.
            cursor.execute("INSERT INTO members_membership SELECT * FROM members_membership")
        assert background.running
        with pytest.raises(IntegrityError):
            background.settle()
        assert not background.running
        # Rolled back to the savepoint: the update before it stays, the one sent is gone.
        assert Member.objects.get(pk=member.pk).phone == "0911000111"
        background.settle()  # nothing left: a no-op
        transaction.set_rollback(True)
