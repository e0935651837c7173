"""Text in = text out, everywhere (issue 11, point 1).

Whatever the database holds — rows written before input was normalised, or by raw SQL —
every download (.xlsx, .csv, .docx) answers 200 and opens. And on the way in, the form, the
API and the import give the same answer: characters no file can hold are refused by the
field's name, invisible ones are dropped from names, and numbers typed in full-width or
Arabic-Indic digits are stored as the same ASCII digits (and found as duplicates).
"""

import csv
import io
import unicodedata
from datetime import date, time

import pytest
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from dangbo.core.dates import today
from dangbo.core.services import issue_token
from dangbo.core.text import writable
from dangbo.imports import services as imports
from dangbo.imports.models import ImportRow
from dangbo.meetings import services as meetings
from dangbo.meetings.choices import AttendanceStatus
from dangbo.meetings.models import Attendance, Meeting, Vote
from dangbo.members.models import Member
from dangbo.orgs.models import Organisation
from dangbo.oversight import services as oversight
from dangbo.oversight.models import Opinion, OpinionTopic
from dangbo.programs import services as programs
from dangbo.programs.models import Program, Task
from dangbo.reviews import services as reviews
from dangbo.reviews.models import Evaluation
from dangbo.reviews.schemes import load as load_schemes
from tests.api.conftest import Api, fields
from tests.imports.files import MEMBER_HEADER, write_csv
from tests.support import counts

pytestmark = pytest.mark.django_db

HOSTILE = {
    "U+FFFE": "\ufffe",
    "U+FFFF": "\uffff",
    "U+FDD0": "\ufdd0",
    "U+10FFFF": "\U0010ffff",
    "C0": "\x01\x08\x0b\x1b\x1f",
    "C1": "\x7f\x85\x9b",
    "U+2060": "\u2060",
    "U+00AD": "\u00ad",
    "U+034F": "\u034f",
    "U+3164": "\u3164",
    "U+FE0F": "\ufe0f",
    "full-width": "９７３６５３４２",
    "arabic-indic": "٩٧٣٦٥٣٤٢",
    "NFD": unicodedata.normalize("NFD", "Nguyễn Hương"),
    "U+202E": "\u202e",
}
ALL = "".join(HOSTILE.values())
XML_ILLEGAL = ["\ufffe", "\uffff", "\ufdd0", "\x01", "\x1b", "\x9b"]

DAY = date(2024, 5, 10)
YEAR = 2016


def _hostile(text: str) -> str:
    """NUL too where the engine stores it (PostgreSQL refuses it in text outright)."""
    return text + ("\x00" if connection.vendor == "sqlite" else "")


# -- a world whose rows hold hostile text ----------------------------------------------------


def _meeting(world) -> Meeting:
    m = world.members
    meeting = meetings.record_meeting(
        actor=None,
        org=world.org("kl-thon-1"),
        day=DAY,
        data={
            "kind": "regular",
            "topic": "Làm đường",
            "start_time": time(8, 0),
            "end_time": time(10, 0),
            "minutes": "Chi bộ thảo luận.",
            "resolution": "Thông qua.",
            "resolution_ref": "05-NQ/CB",
        },
        attendance={
            m["huong"].pk: AttendanceStatus.PRESENT,
            m["an"].pk: (AttendanceStatus.EXCUSED, "ốm"),
            m["binh"].pk: AttendanceStatus.PRESENT,
        },
        chair=m["huong"],
        secretary=m["an"],
    )
    meetings.record_vote(actor=None, meeting=meeting, motion="Nghị quyết", yes=1, no=0)
    oversight.record_visit(
        actor=None,
        cell=world.org("kl-thon-1"),
        day=DAY,
        attendees=[m["khanh"]],
        meeting=meeting,
        opinions=[
            oversight.Heard(
                source="member",
                topic=OpinionTopic.objects.filter(active=True).first(),
                text="Ý kiến về đường.",
            )
        ],
    )
    return meeting


def _honours(world) -> None:
    """One decided year, so the honour list (1 year running) holds Hương and An."""
    cycle = reviews.open_cycle(
        actor=world.users["admin"], org=world.org("kim-long"), year=YEAR, closes_on=today()
    )
    for key in ("huong", "an"):
        ev = reviews.self_assess(
            actor=world.users["admin"], cycle=cycle, level="dtc_htxs", member=world.members[key]
        )
        ev = reviews.propose(actor=world.users["admin"], evaluation=ev, level="dtc_htxs")
        reviews.decide(
            actor=world.users["admin"],
            evaluation=ev,
            level="dtc_htxs",
            by_org=reviews.competent_body(ev),
        )


def _program(world) -> Program:
    """A district program with a task Kim Long leads: the matrix export names both."""
    program = programs.create_program(
        actor=world.users["admin"],
        org=world.org("tam-duong"),
        kind="annual",
        title="Kế hoạch công tác năm",
        start=date(YEAR, 1, 1),
        end=date(YEAR, 12, 31),
    )
    programs.add_task(
        actor=world.users["admin"],
        program=program,
        title="Nhiệm vụ của xã",
        lead_org=world.org("kim-long"),
        deadline=date(YEAR, 12, 31),
    )
    return program


def _poison(world, meeting: Meeting, bad: str) -> None:
    """The lowest paths: ORM ``update()`` and raw SQL, no validation on the way."""
    huong, an = world.members["huong"], world.members["an"]
    Member.objects.filter(pk=huong.pk).update(
        full_name=f"Nguyễn{bad} Thị Hương",
        occupation=f"Giáo{bad}viên",
        birthplace=bad,
    )
    Member.objects.filter(pk=an.pk).update(full_name=f"{bad}Trần Văn An")
    if len(bad) <= 8:
        Member.objects.filter(pk=an.pk).update(card_number=bad)
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE members_member SET workplace = %s, permanent_address = %s WHERE id = %s",
            [f"UBND{bad}xã", f"=cmd(){bad}", huong.pk],
        )
    Organisation.objects.filter(pk=world.org("kl-thon-1").pk).update(
        name=f"Chi bộ thôn Đồng{bad} Bông"
    )
    Organisation.objects.filter(pk=world.org("kim-long").pk).update(
        name=f"Đảng bộ xã Kim{bad} Long"
    )
    Meeting.objects.filter(pk=meeting.pk).update(
        minutes=f"Dòng một{bad}\n\nDòng{bad} hai",
        resolution=f"Kết luận{bad}",
        resolution_ref=f"05{bad}",
        topic=f"Chủ đề{bad}",
    )
    Vote.objects.filter(meeting=meeting).update(motion=f"Biểu quyết{bad}")
    Attendance.objects.filter(meeting=meeting, status=AttendanceStatus.EXCUSED).update(
        reason=f"ốm{bad}"
    )
    Opinion.objects.filter(meeting=meeting).update(text=f"Ý kiến{bad}")
    Program.objects.update(title=f"Kế hoạch{bad} công tác")
    Task.objects.update(title=f"Nhiệm vụ{bad} của xã")
    Evaluation.objects.filter(cycle__year=YEAR).update(
        self_comment=f"Tự nhận xét{bad}", decision_ref=f"QĐ{bad}"
    )


# -- every download ---------------------------------------------------------------------------

FILE_SUFFIXES = (".csv", ".xlsx", ".docx", ".pdf")


def _download_routes() -> set[str]:
    """Every named URL of the site whose path ends in a file suffix (the URL conf is the
    list of exports: a new one must be added to ``_downloads`` or this test fails)."""
    found: set[str] = set()

    def walk(patterns, namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, f"{namespace}{p.namespace}:" if p.namespace else namespace)
            elif isinstance(p, URLPattern) and p.name:
                route = str(p.pattern)
                if any(s in route for s in FILE_SUFFIXES):
                    found.add(namespace + p.name)

    walk(get_resolver().url_patterns, "")
    return found


def _downloads(meeting: Meeting, program: Program | None = None) -> dict[str, tuple[str, str]]:
    """route name → (url, format)."""
    honours = f"?to-chuc=kim-long&nam={YEAR}&so-nam=1&doi-tuong=member&muc=1"
    return {
        "members:export": (reverse("members:export"), "csv"),
        "members:export_xlsx": (reverse("members:export_xlsx"), "xlsx"),
        "orgs:export": (reverse("orgs:export"), "csv"),
        "orgs:export_xlsx": (reverse("orgs:export_xlsx"), "xlsx"),
        "meetings:minutes_docx": (reverse("meetings:minutes_docx", args=[meeting.pk]), "docx"),
        "meetings:minutes_pdf": (reverse("meetings:minutes_pdf", args=[meeting.pk]), "pdf"),
        "reviews:honours_xlsx": (reverse("reviews:honours_xlsx") + honours, "xlsx"),
        "reviews:honours_docx": (reverse("reviews:honours_docx") + honours, "docx"),
        "reviews:honours_pdf": (reverse("reviews:honours_pdf") + honours, "pdf"),
        "imports:template": (reverse("imports:template", args=["members"]), "xlsx"),
        "programs:matrix_xlsx": (
            reverse("programs:matrix_xlsx", args=[program.pk if program else 1]),
            "xlsx",
        ),
    }


def _body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def _texts(content: bytes, kind: str) -> list[str]:
    """The file opened as its reader would open it; every text it holds."""
    if kind == "csv":
        text = content.decode("utf-8-sig")  # strict: a lone surrogate would not encode
        return [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    if kind == "xlsx":
        book = load_workbook(io.BytesIO(content))
        return [
            str(v)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for v in row
            if v is not None
        ]
    if kind == "pdf":
        pdf = PdfReader(io.BytesIO(content))
        return [line for page in pdf.pages for line in page.extract_text().splitlines()]
    document = Document(io.BytesIO(content))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            texts.extend(c.text for c in row.cells)
    return texts


def test_every_download_route_is_covered(world):
    meeting = Meeting(pk=1)
    assert _download_routes() == set(_downloads(meeting))


@pytest.mark.parametrize("bad", [ALL, *HOSTILE.values()], ids=["all", *HOSTILE])
def test_every_export_opens_whatever_the_database_holds(client, world, bad):
    load_schemes()
    meeting = _meeting(world)
    _honours(world)
    program = _program(world)
    _poison(world, meeting, _hostile(bad))
    client.force_login(world.users["admin"])
    for name, (url, kind) in _downloads(meeting, program).items():
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        texts = _texts(_body(response), kind)
        assert texts, name
        for text in texts:
            assert writable(text) == text, (name, text)
        joined = "\n".join(texts)
        if name.startswith("members:"):
            assert "Hương" in joined and "Giáo" in joined, name
        if name.startswith("meetings:minutes_"):
            assert "Dòng một" in joined and "ĐỒNG" in joined and "Biểu quyết" in joined
        if name.startswith("reviews:"):
            assert "Hương" in joined, name
        if name == "programs:matrix_xlsx":
            assert "Nhiệm vụ" in joined and "Kim" in joined, name


def test_every_report_opens_whatever_the_database_holds(client, world):
    """Each kind of report in each of its file formats, for the district whose commune, cell,
    members, meeting and program hold every hostile character (reports read the same rows the
    lists do)."""
    from dangbo.reports import kinds

    load_schemes()
    meeting = _meeting(world)
    _honours(world)
    _program(world)
    _poison(world, meeting, _hostile(ALL))
    client.force_login(world.users["admin"])
    for kind in kinds.all_kinds():
        query = {"loai": kind.key, "to_chuc": "tam-duong", "nam": YEAR}
        if kind.quarterly:
            query["quy"] = 2
        for fmt in (f for f in kind.formats if f in FILE_KINDS):
            response = client.get(reverse("reports:download", args=[fmt]), query)
            assert response.status_code == 200, (kind.key, fmt, response.content[:300].decode())
            texts = _texts(_body(response), fmt)
            assert texts, (kind.key, fmt)
            for text in texts:
                assert writable(text) == text, (kind.key, fmt, text)


FILE_KINDS = ("docx", "pdf", "xlsx")


# -- the way in: form, API and import answer alike ---------------------------------------------

FORM = {
    "full_name": "Ngô Văn Mới",
    "gender": "M",
    "date_of_birth": "10/10/1990",
    "admission_decision_date": "01/03/2016",
    "admission_ceremony_date": "01/03/2016",
}
API_BODY = {
    "org": "kl-thon-1",
    "full_name": "Ngô Văn Mới",
    "gender": "M",
    "date_of_birth": "1990-10-10",
    "admission_decision_date": "2016-03-01",
    "admission_ceremony_date": "2016-03-01",
}
IMPORT_HEADER = [*MEMBER_HEADER, "Số CCCD"]


def _import_row(full_name: str, card: str = "", phone: str = "", id_number: str = "") -> list:
    return ["1", full_name, "Nam", "10/10/1990", "kl-thon-1", card, "01/03/2016", "", phone,
            id_number]  # fmt: skip


def _import(tmp_path, world, rows: list[list], *, commit: bool):
    path = write_csv(tmp_path / "dang-vien.csv", [IMPORT_HEADER, *rows])
    actor = world.users["admin"]
    job = imports.create_job(
        actor=actor, kind="members", source=path, original_name="dang-vien.csv"
    )
    return imports.run(job, commit=commit, actor=actor)


def _admit(path: str, client, world, tmp_path, **values):
    """Admit one member by ``path`` (form / api / import) as the admin (who may write the
    CCCD); the stored member, or the refusal as {field: message}."""
    if path == "form":
        client.force_login(world.users["admin"])
        response = client.post(reverse("members:admit", args=["kl-thon-1"]), {**FORM, **values})
        if response.status_code == 302:
            return Member.objects.get(full_name__startswith="Ngô"), None
        assert response.status_code == 400, response.status_code
        return None, response.content.decode()
    if path == "api":
        api = Api({"admin": issue_token(actor=None, user=world.users["admin"], name="test")})
        response = api.post("admin", "/members/", {**API_BODY, **values})
        if response.status_code in (200, 201):
            return Member.objects.get(pk=response.json()["id"]), None
        return None, fields(response)
    row = _import_row(
        values.get("full_name", FORM["full_name"]),
        values.get("card_number", ""),
        values.get("phone", ""),
        values.get("id_number", ""),
    )
    job = _import(tmp_path, world, [row], commit=True)
    (result,) = ImportRow.objects.filter(job=job)
    if result.state == "error":
        return None, {"row": result.row_no, "messages": result.messages}
    return Member.objects.get(full_name__startswith="Ngô"), None


PATHS = ["form", "api", "import"]


@pytest.mark.parametrize("bad", XML_ILLEGAL, ids=[f"U+{ord(c):04X}" for c in XML_ILLEGAL])
@pytest.mark.parametrize("path", PATHS)
def test_each_path_refuses_what_no_file_can_hold_naming_the_field(
    client, world, tmp_path, path, bad
):
    before = counts(Member)
    member, refusal = _admit(path, client, world, tmp_path, full_name=f"Ngô Văn{bad} Mới")
    assert member is None
    expected = f"Họ và tên: có ký tự điều khiển không hợp lệ (U+{ord(bad):04X})."
    if path == "form":
        assert expected in refusal
    elif path == "api":
        assert refusal["full_name"].startswith("Họ và tên: có ký tự điều khiển"), refusal
    else:
        assert refusal["row"] == 2 and expected in refusal["messages"], refusal
    assert counts(Member) == before
    assert not Member.objects.filter(full_name__startswith="Ngô").exists()


@pytest.mark.parametrize("path", PATHS)
def test_each_path_strips_invisible_characters_and_folds_digits_alike(
    client, world, tmp_path, path
):
    member, refusal = _admit(
        path,
        client,
        world,
        tmp_path,
        full_name="Ngô\u2060 Văn\u00ad Mới\ufe0f\u034f\u3164",
        card_number="９７３６ ５３４２",
        phone="٠٩١٢٣٤٥٦٧٨",
        id_number="０２６１９０００１２３４",
    )
    assert refusal is None, refusal
    assert member.full_name == "Ngô Văn Mới"
    assert member.search_name == "ngo van moi"
    assert (member.card_number, member.phone, member.id_number) == (
        "97365342",
        "0912345678",
        "026190001234",
    )
    # Found again by the name and by the number, whichever digits the search is typed in.
    client.force_login(world.users["admin"])
    for q in ("ngo van moi", "97365342", "９７３６５３４２", "٩٧٣٦٥٣٤٢"):
        page = client.get(reverse("members:list"), {"q": q}).content.decode()
        assert "Ngô Văn Mới" in page, q


@pytest.mark.parametrize("path", ["form", "api"])
def test_a_card_number_typed_full_width_is_a_duplicate(client, world, tmp_path, path):
    member, refusal = _admit(path, client, world, tmp_path, card_number="１２３４５６７８")
    assert member is None
    message = "Số thẻ đảng viên: đã được sử dụng."
    assert message in (refusal if path == "form" else refusal["card_number"])


def test_the_import_matches_and_pairs_full_width_card_numbers(tmp_path, world):
    job = _import(
        tmp_path,
        world,
        [
            ["2", "Nguyễn Thị Hương", "", "", "", "１２３４５６７８", "", "", "", ""],  # Hương's
            _import_row("Cao Văn Một", card="５５５５６６６６"),  # rows 3 and 4: one card
            _import_row("Cao Văn Hai", card="55556666"),
        ],
        commit=False,
    )
    rows = {r.row_no: r for r in ImportRow.objects.filter(job=job)}
    assert rows[2].state == "unchanged", rows[2].messages  # found by her card, nothing new
    assert "Số thẻ đảng viên: 55556666 trùng với dòng 4 trong tệp." in rows[3].messages
    assert "Số thẻ đảng viên: 55556666 trùng với dòng 3 trong tệp." in rows[4].messages


def test_a_header_pasted_with_invisible_characters_finds_its_column(tmp_path, world):
    header = [
        f"{title}\u200b" if title == "Họ và tên" else f"\ufeff{title}" for title in IMPORT_HEADER
    ]
    path = write_csv(tmp_path / "dv.csv", [header, _import_row("Ngô Văn Mới", card="97365342")])
    job = imports.create_job(
        actor=world.users["admin"], kind="members", source=path, original_name="dv.csv"
    )
    job = imports.run(job, commit=False, actor=world.users["admin"])
    (row,) = ImportRow.objects.filter(job=job)
    assert row.action == "new" and row.state != "error", row.messages
