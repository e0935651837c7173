"""The demo's documents, partner bodies and programs of action, Tam Dương 2015–2017.

The two Central documents (Kết luận 64-KL/TW, Nghị quyết 17-NQ/TW) are real; the district's
own documents carry numbers and dates of our choosing, said so in their titles ("số hiệu
minh họa"). The programs are trees two to three deep (~60 tasks) led by the committee's
departments, the 13 commune and town committees and partner bodies, with quarterly progress
reports through 2016: most done or on track, some overdue at 31/12/2016, one at risk.

Bulk path like the rest of the demo: one ``bulk_create`` per table (per tree level for the
tasks, whose ``path`` needs their parents' ids), no per-row services, no audit entries (the
loader writes one for the whole load).
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

from django.contrib.auth import get_user_model

from dangbo.core.choices import DocumentKind
from dangbo.core.models import LegalDocument
from dangbo.orgs.choices import PartnerKind, Title
from dangbo.orgs.models import Organisation, PartnerBody, PartnerLead, Position
from dangbo.programs.choices import ProgramKind, TaskKind, TaskStatus
from dangbo.programs.documents import key_of
from dangbo.programs.models import Program, ProgressReport, Task, TaskCoordinator

from .names import COMMUNES

DISTRICT = "tam-duong"
HU = "Huyện ủy Tam Dương"
BCHTW = "Ban Chấp hành Trung ương"
ILLUSTRATIVE = " (số hiệu, ngày minh họa)"
PARTNERS_FROM = date(1997, 1, 1)
QUARTERS = (
    date(2015, 9, 30),
    date(2015, 12, 31),
    date(2016, 3, 31),
    date(2016, 6, 30),
    date(2016, 9, 30),
    date(2016, 12, 31),
)
INDICATOR_CODES = ("gia_tri_san_xuat", "cchc_mot_cua", "cchc_cong_khai", "cchc_truc_tuyen")


# ------------------------------------------------------------------------------ documents
# key: (number, kind, issuer, issue date, title, body code, implements key, applies_to)
DOCUMENTS: tuple[tuple[str, str, str, str, date, str, str | None, str | None, str], ...] = (
    (
        "kl64",
        "64-KL/TW",
        DocumentKind.CONCLUSION,
        BCHTW,
        date(2013, 5, 28),
        "Một số vấn đề về tiếp tục đổi mới, hoàn thiện hệ thống chính trị từ Trung ương đến "
        "cơ sở (Hội nghị Trung ương 7 khóa XI)",
        "central",
        None,
        "",
    ),
    (
        "nq17",
        "17-NQ/TW",
        DocumentKind.RESOLUTION,
        BCHTW,
        date(2002, 3, 18),
        "Đổi mới và nâng cao chất lượng hệ thống chính trị ở cơ sở xã, phường, thị trấn "
        "(Hội nghị Trung ương 5 khóa IX)",
        "central",
        None,
        "",
    ),
    (
        "ctr-kl64",
        "46-CTr/HU",
        DocumentKind.PROGRAM,
        HU,
        date(2013, 9, 10),
        "Chương trình hành động của Huyện ủy thực hiện Kết luận số 64-KL/TW" + ILLUSTRATIVE,
        DISTRICT,
        "kl64",
        "all",
    ),
    (
        "nq-dai-hoi",
        "01-NQ/ĐH",
        DocumentKind.RESOLUTION,
        "Đại hội đại biểu Đảng bộ huyện Tam Dương",
        date(2015, 7, 24),
        "Nghị quyết Đại hội đại biểu Đảng bộ huyện Tam Dương nhiệm kỳ 2015–2020" + ILLUSTRATIVE,
        DISTRICT,
        None,
        "all",
    ),
    (
        "quy-che",
        "02-QC/HU",
        DocumentKind.WORKING_RULES,
        HU,
        date(2015, 8, 20),
        "Quy chế làm việc của Ban Chấp hành Đảng bộ huyện nhiệm kỳ 2015–2020: phân định "
        "trách nhiệm, quyền hạn của tập thể, cá nhân và người đứng đầu" + ILLUSTRATIVE,
        DISTRICT,
        None,
        "",
    ),
    (
        "ctr-toan-khoa",
        "03-CTr/HU",
        DocumentKind.PROGRAM,
        HU,
        date(2015, 9, 15),
        "Chương trình công tác toàn khóa của Ban Chấp hành Đảng bộ huyện nhiệm kỳ 2015–2020"
        + ILLUSTRATIVE,
        DISTRICT,
        "nq-dai-hoi",
        "all",
    ),
    (
        "kh-2016",
        "15-KH/HU",
        DocumentKind.PLAN,
        HU,
        date(2016, 1, 8),
        "Kế hoạch công tác năm 2016" + ILLUSTRATIVE,
        DISTRICT,
        "ctr-toan-khoa",
        "all",
    ),
    (
        "kh-nq17",
        "21-KH/HU",
        DocumentKind.PLAN,
        HU,
        date(2016, 3, 15),
        "Kế hoạch tiếp tục thực hiện Nghị quyết Trung ương 5 (khóa IX) về đổi mới, nâng cao "
        "chất lượng hệ thống chính trị ở cơ sở, giai đoạn 2016–2020" + ILLUSTRATIVE,
        DISTRICT,
        "nq17",
        "communes",
    ),
)


def _noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)


def write_documents(orgs: dict[str, Organisation]) -> dict[str, LegalDocument]:
    """The documents, each implementing the one above it (written top-down)."""
    existing = {
        (d.number, d.issuer, d.issue_date): d
        for d in LegalDocument.objects.filter(number__in=[row[1] for row in DOCUMENTS])
    }
    docs: dict[str, LegalDocument] = {}
    new: list[LegalDocument] = []
    for key, number, kind, issuer, issued, title, body, implements, _applies in DOCUMENTS:
        doc = existing.get((number, issuer, issued))
        if doc is None:
            doc = LegalDocument(
                number=number,
                kind=kind,
                issuer=issuer,
                issue_date=issued,
                effective_from=issued,
                title=title,
                body=orgs[body],
                implements=docs[implements] if implements else None,
                search_key=key_of(number, title, kind),
                recorded_at=_noon(issued),
            )
            new.append(doc)
        docs[key] = doc
    # Parents come first in DOCUMENTS, but bulk_create needs their ids set before the children
    # refer to them: one row at a time is fine for eight documents.
    for doc in new:
        if doc.implements is not None:
            doc.implements_id = doc.implements.pk
        doc.save()
    through = LegalDocument.applies_to.through
    district = orgs[DISTRICT]
    communes = [orgs[c[0]] for c in COMMUNES]
    rows = []
    for key, *_rest, applies in DOCUMENTS:
        doc = docs[key]
        if doc not in new or not applies:
            continue
        targets = [district] if applies == "all" else communes
        rows += [through(legaldocument_id=doc.pk, organisation_id=o.pk) for o in targets]
    through.objects.bulk_create(rows)
    return docs


# ------------------------------------------------------------------------- partner bodies
# (code, name, kind, parent code)
DISTRICT_PARTNERS = (
    ("ubnd-tam-duong", "UBND huyện Tam Dương", PartnerKind.GOVERNMENT, None),
    (
        "phong-nong-nghiep",
        "Phòng Nông nghiệp và Phát triển nông thôn huyện",
        PartnerKind.GOVERNMENT_OFFICE,
        "ubnd-tam-duong",
    ),
    ("phong-noi-vu", "Phòng Nội vụ huyện", PartnerKind.GOVERNMENT_OFFICE, "ubnd-tam-duong"),
    (
        "van-phong-hdnd-ubnd",
        "Văn phòng HĐND và UBND huyện",
        PartnerKind.GOVERNMENT_OFFICE,
        "ubnd-tam-duong",
    ),
    ("mttq-tam-duong", "Ủy ban MTTQ Việt Nam huyện Tam Dương", PartnerKind.FRONT, None),
    ("hoi-nong-dan-tam-duong", "Hội Nông dân huyện Tam Dương", PartnerKind.FARMERS, None),
    ("hoi-phu-nu-tam-duong", "Hội Liên hiệp Phụ nữ huyện Tam Dương", PartnerKind.WOMEN, None),
    ("huyen-doan-tam-duong", "Huyện đoàn Tam Dương", PartnerKind.YOUTH, None),
    ("hoi-ccb-tam-duong", "Hội Cựu chiến binh huyện Tam Dương", PartnerKind.VETERANS, None),
    ("ldld-tam-duong", "Liên đoàn Lao động huyện Tam Dương", PartnerKind.TRADE_UNION, None),
    ("ban-to-chuc-hu", "Ban Tổ chức Huyện ủy", PartnerKind.PARTY_DEPARTMENT, None),
    ("ban-tuyen-giao-hu", "Ban Tuyên giáo Huyện ủy", PartnerKind.PARTY_DEPARTMENT, None),
    ("ubkt-hu", "Ủy ban Kiểm tra Huyện ủy", PartnerKind.PARTY_DEPARTMENT, None),
    ("van-phong-hu", "Văn phòng Huyện ủy", PartnerKind.PARTY_DEPARTMENT, None),
)


def commune_partner_code(commune: str) -> str:
    return f"ubnd-{commune}"


def write_partners(orgs: dict[str, Organisation]) -> dict[str, PartnerBody]:
    """District bodies are led by the district committee (the demo tree has no đảng đoàn or
    ban cán sự); each commune's People's Committee by the commune's Party committee."""
    plans = [(code, name, kind, parent, DISTRICT) for code, name, kind, parent in DISTRICT_PARTNERS]
    plans += [
        (commune_partner_code(code), f"UBND {unit} {name}", PartnerKind.GOVERNMENT, None, code)
        for code, unit, name, *_ in COMMUNES
    ]
    existing = {p.code: p for p in PartnerBody.objects.filter(code__in=[p[0] for p in plans])}
    by_code = dict(existing)
    for parents_pass in (False, True):  # parents first, then the bodies under them
        rows = [
            PartnerBody(
                code=code,
                name=name,
                kind=kind,
                parent=by_code[parent] if parent else None,
                valid_from=PARTNERS_FROM,
            )
            for code, name, kind, parent, _lead in plans
            if code not in by_code and (parent is not None) == parents_pass
        ]
        PartnerBody.objects.bulk_create(rows)
        by_code.update({row.code: row for row in rows})
    PartnerLead.objects.bulk_create(
        [
            PartnerLead(partner=by_code[code], org=orgs[lead], valid_from=PARTNERS_FROM)
            for code, _name, _kind, _parent, lead in plans
            if code not in existing
        ]
    )
    return by_code


# ------------------------------------------------------------------------------- programs
@dataclass
class T:
    """A task of the plan: lead "org:CODE" or "p:CODE"; ``final`` = percent reported at the
    last quarter of 2016 (None: no report); ``done_on`` the quarter it was finished."""

    title: str
    lead: str
    deadline: date | None = None
    start: date | None = None
    weight: int = 1
    final: int | None = None
    coord: tuple[str, ...] = ()
    indicators: tuple[str, ...] = ()
    children: list["T"] = field(default_factory=list)
    objective: bool = False
    note: str = ""


def Obj(title: str, lead: str, *children: T, weight: int = 1, **kw) -> T:
    return T(title, lead, weight=weight, children=list(children), objective=True, **kw)


MASS = ("p:hoi-nong-dan-tam-duong", "p:hoi-phu-nu-tam-duong", "p:huyen-doan-tam-duong")
NOT_BY_2017 = ("an-hoa", "huong-dao", "hoang-lau")  # xã recognised after 20/03/2017
COMMUNE_NAMES = {code: f"{unit} {name}" for code, unit, name, *_ in COMMUNES}


def _ntm_tasks() -> list[T]:
    tasks = []
    for code, unit, name, *_ in COMMUNES:
        if unit != "xã":
            continue
        late = code in NOT_BY_2017
        tasks.append(
            T(
                f"Xã {name} hoàn thành các tiêu chí nông thôn mới",
                f"org:{code}",
                deadline=date(2018, 12, 31) if late else date(2016, 12, 31),
                start=date(2016, 1, 1),
                final=70 if late else 100,
                coord=(f"p:{commune_partner_code(code)}",),
            )
        )
    return tasks


def _admission_tasks() -> list[T]:
    """Each commune's admissions of 2016; three fell short by the 15/12 deadline."""
    short = {"hoang-lau": 80, "van-hoi": 75, "hop-hoa": 85}
    return [
        T(
            f"Đảng bộ {unit} {name}: kết nạp đảng viên mới theo chỉ tiêu năm 2016",
            f"org:{code}",
            deadline=date(2016, 12, 15),
            start=date(2016, 1, 15),
            final=short.get(code, 100),
        )
        for code, unit, name, *_ in COMMUNES
    ]


PROGRAMS = (
    (
        ProgramKind.TERM,
        "Chương trình công tác toàn khóa của Ban Chấp hành Đảng bộ huyện nhiệm kỳ 2015–2020",
        "ctr-toan-khoa",
        date(2015, 9, 15),
        date(2020, 9, 30),
        [
            Obj(
                "Xây dựng Đảng và hệ thống chính trị trong sạch, vững mạnh",
                "p:ban-to-chuc-hu",
                T(
                    "Nâng cao chất lượng sinh hoạt chi bộ",
                    "p:ban-to-chuc-hu",
                    date(2017, 12, 31),
                    date(2015, 10, 1),
                    2,
                    60,
                    ("p:ban-tuyen-giao-hu",),
                ),
                T(
                    "Kết nạp đảng viên mới mỗi năm đạt chỉ tiêu giao",
                    "p:ban-to-chuc-hu",
                    date(2017, 12, 31),
                    date(2016, 1, 1),
                    1,
                    55,
                    ("p:huyen-doan-tam-duong",),
                ),
                T(
                    "Kiểm tra, giám sát việc thực hiện Quy chế làm việc",
                    "p:ubkt-hu",
                    date(2017, 6, 30),
                    date(2016, 1, 1),
                    1,
                    50,
                    ("p:van-phong-hu",),
                ),
                weight=3,
            ),
            Obj(
                "Phát triển kinh tế - xã hội",
                "p:ubnd-tam-duong",
                T(
                    "Giá trị sản xuất tăng bình quân trên 10%/năm",
                    "p:ubnd-tam-duong",
                    date(2017, 12, 31),
                    date(2016, 1, 1),
                    2,
                    55,
                    ("p:phong-nong-nghiep",),
                    ("gia_tri_san_xuat",),
                ),
                T(
                    "Cải cách thủ tục hành chính: bộ phận một cửa ở 100% xã, thị trấn",
                    "p:van-phong-hdnd-ubnd",
                    date(2016, 12, 31),
                    date(2016, 1, 1),
                    1,
                    100,
                    ("p:phong-noi-vu",),
                    ("cchc_mot_cua", "cchc_cong_khai", "cchc_truc_tuyen"),
                ),
                T(
                    "Giảm tỷ lệ hộ nghèo bình quân 1%/năm",
                    "p:ubnd-tam-duong",
                    date(2017, 12, 31),
                    date(2016, 1, 1),
                    1,
                    50,
                    ("p:mttq-tam-duong",),
                ),
                weight=3,
            ),
            Obj(
                "Xây dựng nông thôn mới",
                "p:phong-nong-nghiep",
                *_ntm_tasks(),
                weight=4,
            ),
        ],
    ),
    (
        ProgramKind.ANNUAL,
        "Kế hoạch công tác năm 2016",
        "kh-2016",
        date(2016, 1, 1),
        date(2016, 12, 31),
        [
            Obj(
                "Công tác xây dựng Đảng",
                "p:ban-to-chuc-hu",
                T(
                    "Học tập, quán triệt Nghị quyết Đại hội XII của Đảng",
                    "p:ban-tuyen-giao-hu",
                    date(2016, 6, 30),
                    date(2016, 2, 1),
                    1,
                    100,
                ),
                T(
                    "Kiểm tra chuyên đề năm 2016",
                    "p:ubkt-hu",
                    date(2016, 11, 30),
                    date(2016, 3, 1),
                    1,
                    100,
                ),
                T(
                    "Đánh giá, xếp loại tổ chức cơ sở đảng và đảng viên năm 2016",
                    "p:ban-to-chuc-hu",
                    date(2016, 12, 31),
                    date(2016, 11, 1),
                    1,
                    100,
                ),
                weight=2,
            ),
            Obj(
                "Kinh tế - xã hội, cải cách hành chính",
                "p:ubnd-tam-duong",
                T(
                    "Hoàn thành dự toán thu ngân sách năm 2016",
                    "p:ubnd-tam-duong",
                    date(2016, 12, 31),
                    date(2016, 1, 1),
                    1,
                    100,
                ),
                T(
                    "Vận hành bộ phận một cửa ở 13/13 xã, thị trấn",
                    "p:van-phong-hdnd-ubnd",
                    date(2016, 9, 30),
                    date(2016, 1, 1),
                    1,
                    100,
                    ("p:phong-noi-vu",),
                ),
                T(
                    "Chuẩn bị sơ kết 5 năm xây dựng nông thôn mới",
                    "p:phong-nong-nghiep",
                    date(2016, 12, 31),
                    date(2016, 10, 1),
                    1,
                    55,
                    ("p:mttq-tam-duong",),
                    note="Chậm: số liệu của một số xã chưa đủ, có nguy cơ không kịp hạn.",
                ),
                weight=2,
            ),
            Obj("Kết nạp đảng viên ở cơ sở", "p:ban-to-chuc-hu", *_admission_tasks(), weight=1),
        ],
    ),
    (
        ProgramKind.ACTION,
        "Chương trình hành động thực hiện Kết luận số 64-KL/TW của Ban Chấp hành Trung ương",
        "ctr-kl64",
        date(2013, 9, 10),
        date(2020, 12, 31),
        [
            Obj(
                "Sắp xếp, kiện toàn tổ chức bộ máy",
                "p:ban-to-chuc-hu",
                T(
                    "Rà soát chức năng, nhiệm vụ các ban, cơ quan tham mưu của Huyện ủy",
                    "p:ban-to-chuc-hu",
                    date(2016, 6, 30),
                    date(2015, 1, 1),
                    1,
                    100,
                    ("p:van-phong-hu",),
                ),
                T(
                    "Kiện toàn tổ chức cơ sở đảng ở thôn, tổ dân phố",
                    "p:ban-to-chuc-hu",
                    date(2016, 10, 31),
                    date(2015, 1, 1),
                    2,
                    85,
                    tuple(f"org:{c[0]}" for c in COMMUNES[:4]),
                ),
                T(
                    "Thí điểm bí thư chi bộ đồng thời là trưởng thôn ở xã Kim Long",
                    "org:kim-long",
                    date(2017, 6, 30),
                    date(2016, 1, 1),
                    1,
                    50,
                    ("p:ubnd-kim-long",),
                ),
            ),
            Obj(
                "Đổi mới phương thức lãnh đạo của cấp ủy",
                "p:van-phong-hu",
                T(
                    "Ban hành Quy chế làm việc phân định trách nhiệm của tập thể, cá nhân",
                    "p:van-phong-hu",
                    date(2015, 12, 31),
                    date(2015, 8, 1),
                    1,
                    100,
                ),
                T(
                    "Nâng cao vai trò giám sát, phản biện của Mặt trận và các đoàn thể",
                    "p:mttq-tam-duong",
                    date(2017, 12, 31),
                    date(2016, 1, 1),
                    1,
                    50,
                    (*MASS, "p:hoi-ccb-tam-duong", "p:ldld-tam-duong"),
                ),
                T(
                    "Tinh giản biên chế gắn với vị trí việc làm",
                    "p:phong-noi-vu",
                    date(2017, 12, 31),
                    date(2016, 1, 1),
                    1,
                    30,
                ),
            ),
        ],
    ),
    (
        ProgramKind.ACTION,
        "Kế hoạch tiếp tục thực hiện Nghị quyết Trung ương 5 (khóa IX) về hệ thống chính trị "
        "cơ sở, giai đoạn 2016–2020",
        "kh-nq17",
        date(2016, 3, 15),
        date(2020, 12, 31),
        [
            Obj(
                "Nâng cao năng lực lãnh đạo của đảng bộ xã, thị trấn",
                "p:ban-to-chuc-hu",
                T(
                    "Nâng cao chất lượng sinh hoạt các chi bộ thôn xã Kim Long",
                    "org:kim-long",
                    date(2017, 12, 31),
                    date(2016, 4, 1),
                    1,
                    50,
                    ("p:ban-tuyen-giao-hu",),
                ),
                T(
                    "Củng cố các chi bộ tổ dân phố thị trấn Hợp Hòa",
                    "org:hop-hoa",
                    date(2017, 12, 31),
                    date(2016, 4, 1),
                    1,
                    45,
                ),
                T(
                    "Chuẩn hóa đội ngũ cán bộ, công chức cấp xã",
                    "p:ban-to-chuc-hu",
                    date(2017, 12, 31),
                    date(2016, 4, 1),
                    2,
                    40,
                    ("p:phong-noi-vu",),
                ),
            ),
            Obj(
                "Chính quyền, Mặt trận và đoàn thể ở cơ sở",
                "p:ubnd-tam-duong",
                T(
                    "Kiện toàn Ủy ban nhân dân các xã sau bầu cử nhiệm kỳ 2016–2021",
                    "p:ubnd-tam-duong",
                    date(2016, 9, 30),
                    date(2016, 5, 22),
                    1,
                    100,
                    ("p:phong-noi-vu",),
                ),
                T(
                    "Củng cố chi hội đoàn thể ở thôn, tổ dân phố",
                    "p:hoi-nong-dan-tam-duong",
                    date(2017, 12, 31),
                    date(2016, 4, 1),
                    1,
                    45,
                    MASS[1:] + ("p:hoi-ccb-tam-duong",),
                ),
                T(
                    "Thực hiện Quy chế dân chủ ở cơ sở",
                    "p:mttq-tam-duong",
                    date(2017, 12, 31),
                    date(2016, 4, 1),
                    1,
                    50,
                ),
            ),
        ],
    ),
)


def _quarters(task: T) -> list[tuple[date, Decimal, str]]:
    """Quarterly reports (to the end of 2016) from the task's start: steady progress up to ``final``;
    a task finished early stops reporting at 100."""
    if task.final is None:
        return []
    start = task.start or date(2016, 1, 1)
    ends = [q for q in QUARTERS if q >= start]
    if not ends:
        return []
    if task.final == 100 and task.deadline is not None:
        ends = [q for q in ends if q <= max(task.deadline, ends[0])] or ends[:1]
    out = []
    for i, end in enumerate(ends, 1):
        percent = Decimal(round(task.final * i / len(ends)))
        status = TaskStatus.DONE if percent == 100 else TaskStatus.IN_PROGRESS
        out.append((end, percent, status))
    return out


def _report_text(percent: Decimal, status: str) -> str:
    if status == TaskStatus.DONE:
        return "Đã hoàn thành; kết quả báo cáo Ban Thường vụ."
    return f"Đã triển khai, ước đạt {percent}% khối lượng công việc."


def write_programs(
    orgs: dict[str, Organisation],
    docs: dict[str, LegalDocument],
    partners: dict[str, PartnerBody],
    reporters: dict[str, object],
) -> dict[str, int]:
    """The four programs with their task trees, coordinators and reports."""
    from dangbo.indicators import catalogue
    from dangbo.indicators.models import Indicator

    catalogue.load()  # idempotent: a flushed database has lost the migration's rows
    district = orgs[DISTRICT]
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=INDICATOR_CODES)}
    # The person answering for a committee's task: its secretary (the head), one query.
    heads = dict(
        Position.objects.filter(
            org__in=orgs.values(), title=Title.SECRETARY, valid_to__isnull=True
        ).values_list("org_id", "member_id")
    )
    programs = Program.objects.bulk_create(
        [
            Program(
                kind=kind,
                title=title,
                org=district,
                document=docs[doc],
                start=start,
                end=end,
                created_at=_noon(start),
            )
            for kind, title, doc, start, end, _tree in PROGRAMS
        ]
    )
    # Level by level: (program, parent Task or None, plan, number)
    level: list[tuple[Program, Task | None, T, str]] = [
        (program, None, plan, str(i))
        for program, (*_head, tree) in zip(programs, PROGRAMS, strict=True)
        for i, plan in enumerate(tree, 1)
    ]
    plans: list[tuple[Task, T]] = []
    while level:
        rows = []
        for program, parent, plan, number in level:
            kind, code = plan.lead.split(":", 1)
            rows.append(
                Task(
                    program=program,
                    parent=parent,
                    depth=parent.depth + 1 if parent else 0,
                    position=int(number.rsplit(".", 1)[-1]),
                    number=number,
                    kind=TaskKind.OBJECTIVE if plan.objective else TaskKind.TASK,
                    title=plan.title,
                    lead_org=orgs[code] if kind == "org" else None,
                    lead_partner=partners[code] if kind == "p" else None,
                    lead_person_id=heads.get(orgs[code].pk) if kind == "org" else None,
                    start=plan.start or (program.start if plan.objective else None),
                    deadline=plan.deadline or (program.end if plan.objective else None),
                    weight=Decimal(plan.weight),
                    status=_status_now(plan),
                    note=plan.note,
                    path="",
                )
            )
        Task.objects.bulk_create(rows)
        for row in rows:
            row.path = f"{row.parent.path if row.parent else ''}{row.pk}."
        Task.objects.bulk_update(rows, ["path"])
        plans += list(zip(rows, (plan for _p, _pa, plan, _n in level), strict=True))
        level = [
            (task.program, task, child, f"{task.number}.{i}")
            for task, (_p, _pa, plan, _n) in zip(rows, level, strict=True)
            for i, child in enumerate(plan.children, 1)
        ]
    coordinators = []
    links = []
    reports = []
    through = Task.indicators.through
    for task, plan in plans:
        for body in plan.coord:
            kind, code = body.split(":", 1)
            coordinators.append(
                TaskCoordinator(
                    task=task,
                    org=orgs[code] if kind == "org" else None,
                    partner=partners[code] if kind == "p" else None,
                )
            )
        links += [
            through(task_id=task.pk, indicator_id=indicators[code].pk)
            for code in plan.indicators
            if code in indicators
        ]
        reporter = reporters.get(plan.lead)
        for end, percent, status in _quarters(plan):
            reports.append(
                ProgressReport(
                    task=task,
                    period_end=end,
                    percent=percent,
                    status=status,
                    text=_report_text(percent, status),
                    reported_by=reporter or reporters.get("district"),
                    reported_at=_noon(end),
                )
            )
    TaskCoordinator.objects.bulk_create(coordinators)
    through.objects.bulk_create(links)
    ProgressReport.objects.bulk_create(reports)
    return {
        "programs": len(programs),
        "tasks": len(plans),
        "progress_reports": len(reports),
    }


def _status_now(plan: T) -> str:
    quarters = _quarters(plan)
    if quarters:
        return quarters[-1][2]
    return TaskStatus.IN_PROGRESS if plan.objective else TaskStatus.NOT_STARTED


def write(seed: int) -> dict[str, int]:  # noqa: ARG001 - the plan is fixed, not drawn
    """Documents, partners, programs; returns counts for the load's audit entry."""
    codes = ["central", DISTRICT, *(c[0] for c in COMMUNES)]
    orgs = {o.code: o for o in Organisation.objects.filter(code__in=codes)}
    docs = write_documents(orgs)
    partners = write_partners(orgs)
    users = {
        u.username: u for u in get_user_model().objects.filter(username__in=_REPORTERS.values())
    }
    reporters: dict[str, object] = {
        lead: users[name] for lead, name in _REPORTERS.items() if name in users
    }
    counts = write_programs(orgs, docs, partners, reporters)
    counts["documents"] = len(docs)
    counts["partners"] = len(partners)
    return counts


# Who reported for a lead in the demo (the commune's office for Kim Long, else the district's
# organisation office); a lead without a login of its own reports through the district.
_REPORTERS = {"org:kim-long": "xakimlong", "district": "tochuc"}
