"""The demo's 2016 of leadership close to the grassroots: oversight assignments, quarterly
working groups that attend every sub-cell once over the year, the monthly and thematic
meetings of every cell with their attendance, the visits, and a few hundred opinions in
every state of their lifecycle.

Written by the loader's bulk path (one transaction, no per-row audit) from what is already
in the database: organisations, members, memberships and committee seats. Deterministic:
one seeded generator, rows read in id order. A few things are deliberately wrong, so that
the compliance and coverage views have something to find: cells that missed a monthly or a
thematic meeting, members absent without reason three months or more, an organisation with
nobody responsible, assignments whose target was missed in a quarter, opinions overdue.
"""

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from dangbo.meetings.choices import AttendanceStatus, MeetingKind
from dangbo.meetings.models import Attendance, Meeting, Vote
from dangbo.meetings.rules import counts_in_denominator, passes, quarter_bounds
from dangbo.members.choices import MembershipKind
from dangbo.members.models import Exemption, Member, Membership
from dangbo.orgs.choices import CELL_KINDS, GRASSROOTS_KINDS, OrgKind, Title
from dangbo.orgs.models import Organisation, Position
from dangbo.oversight import planning
from dangbo.oversight.choices import OpinionChannel, OpinionSource, OpinionState
from dangbo.oversight.models import (
    GroupTarget,
    Opinion,
    OpinionStep,
    OpinionTopic,
    OversightAssignment,
    Visit,
    VisitAttendee,
    WorkingGroup,
)
from dangbo.oversight.services import assignment_covering
from dangbo.oversight.topics import ensure_defaults

from . import names as N

YEAR = 2016
AS_OF = date(YEAR, 12, 31)
BATCH = 1000
GROUPS_PER_QUARTER = 5
OPINIONS = 320
DISTRICT = "tam-duong"
# Deliberate gaps for the compliance views to find (index into the list of cells).
MISSED_MONTHLY = ((7, 3), (41, 8), (118, 5), (203, 11))  # (cell index, month)
MISSED_THEMATIC = ((12, 2), (95, 3), (260, 1))  # (cell index, quarter)
FLAGGED_MEMBERS = 6  # absent without reason in 3–4 months of the year
UNCOVERED = 1  # grassroots organisations left without anyone responsible
COMMITTEE_TITLES = (
    Title.SECRETARY,
    Title.PERMANENT_DEPUTY,
    Title.DEPUTY,
    Title.STANDING_MEMBER,
    Title.COMMITTEE_MEMBER,
)
LEADER_TITLES = (Title.SECRETARY, Title.PERMANENT_DEPUTY, Title.DEPUTY, Title.STANDING_MEMBER)
EXCUSES = ("Ốm", "Đi làm ăn xa", "Việc gia đình", "Đi công tác", "Đi viện chăm người nhà")
THEMES = (
    "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh (Chỉ thị 05-CT/TW)",
    "Quán triệt Nghị quyết Đại hội XII của Đảng",
    "Xây dựng nông thôn mới và phát triển kinh tế ở cơ sở",
    "Nâng cao chất lượng sinh hoạt chi bộ, tự phê bình và phê bình",
)
OPINION_TEXTS = {
    "dat-dai": (
        "Đề nghị sớm cấp giấy chứng nhận quyền sử dụng đất cho các hộ ở {place}.",
        "Việc đo đạc, dồn điền đổi thửa ở {place} còn chậm, người dân chưa rõ tiến độ.",
    ),
    "ha-tang": (
        "Tuyến đường liên thôn qua {place} xuống cấp, đề nghị sớm sửa chữa.",
        "Kênh mương nội đồng ở {place} bị bồi lấp, ảnh hưởng tưới tiêu vụ xuân.",
    ),
    "chinh-sach-xa-hoi": (
        "Đề nghị rà soát lại danh sách hộ cận nghèo ở {place} cho đúng đối tượng.",
        "Chế độ cho người có công ở {place} chi trả còn chậm.",
    ),
    "tac-phong-can-bo": (
        "Một số cán bộ xã tiếp công dân chưa đúng giờ, thái độ chưa niềm nở.",
        "Đề nghị cán bộ phụ trách địa bàn {place} xuống thôn thường xuyên hơn.",
    ),
    "thu-tuc-hanh-chinh": (
        "Thủ tục chứng thực, đăng ký hộ tịch còn phải đi lại nhiều lần.",
        "Đề nghị niêm yết công khai thủ tục và lệ phí tại bộ phận một cửa.",
    ),
    "xay-dung-dang": (
        "Nội dung sinh hoạt chi bộ {place} còn đơn điệu, đề nghị có thêm chuyên đề.",
        "Đề nghị quan tâm tạo nguồn kết nạp đảng viên trẻ ở {place}.",
    ),
    "kinh-te": (
        "Đề nghị hỗ trợ giống và kỹ thuật chuyển đổi cây trồng cho {place}.",
        "Giá vật tư nông nghiệp tăng, đề nghị hướng dẫn liên kết tiêu thụ sản phẩm.",
    ),
    "moi-truong": (
        "Rác thải ở {place} chưa được thu gom thường xuyên.",
        "Đề nghị xử lý tình trạng chăn nuôi gây ô nhiễm trong khu dân cư {place}.",
    ),
    "an-ninh-trat-tu": (
        "Tình trạng trộm cắp vặt ở {place} có chiều hướng tăng.",
        "Đề nghị tăng cường tuần tra trong dịp Tết ở {place}.",
    ),
    "giao-duc-y-te": (
        "Trường mầm non ở {place} thiếu phòng học, đề nghị đầu tư thêm.",
        "Đề nghị trạm y tế tổ chức khám sức khỏe cho người cao tuổi ở {place}.",
    ),
}
ANSWERS = (
    "Đã kiểm tra thực tế và đưa vào kế hoạch thực hiện trong năm; đã thông báo cho chi bộ "
    "và nhân dân.",
    "Đã chỉ đạo bộ phận chuyên môn giải quyết; kết quả đã được công khai tại nhà văn hóa thôn.",
    "Đã giải thích rõ quy định hiện hành cho người nêu ý kiến; người nêu đồng ý.",
)
# Final state on 31/12/2016 and its weight among the opinions.
STATE_MIX = (
    (OpinionState.CLOSED, 46),
    (OpinionState.ANSWERED, 14),
    (OpinionState.IN_PROGRESS, 12),
    (OpinionState.ASSIGNED, 12),
    (OpinionState.RECEIVED, 8),
    (OpinionState.RETURNED, 4),
    (OpinionState.ESCALATED, 4),
)


@dataclass
class Cell:
    pk: int
    code: str
    name: str
    path: str
    parent_id: int
    kind: str
    sector: str
    since: date


def _active(start: date, end: date | None, on: date) -> bool:
    return start <= on and (end is None or end >= on)


class _Writer:
    def __init__(self, seed: int):
        self.rng = random.Random(seed * 31 + YEAR)
        district = Organisation.objects.get(code=DISTRICT)
        self.district = district
        sub = Organisation.objects.filter(district.subtree_q()).exclude(pk=district.pk)
        self.orgs = {o.pk: o for o in sub.order_by("path")}
        self.cells = [
            Cell(o.pk, o.code, o.name, o.path, o.parent_id, o.kind, o.sector, o.valid_from)
            for o in self.orgs.values()
            if o.kind in CELL_KINDS and o.is_active(AS_OF)
        ]
        self.grassroots = [o for o in self.orgs.values() if o.kind in GRASSROOTS_KINDS]
        self.seats = self._seats()
        self.names = dict(Member.objects.values_list("pk", "full_name"))

    def _seats(self) -> dict[int, list[tuple[int, str]]]:
        """Committee seats held on 1/1/2016 per organisation: (member id, title)."""
        seats: dict[int, list[tuple[int, str]]] = defaultdict(list)
        rows = Position.objects.filter(
            title__in=COMMITTEE_TITLES + (Title.CELL_COMMITTEE_MEMBER,),
            valid_from__lte=date(YEAR, 1, 1),
        ).order_by("org_id", "id")
        for member_id, org_id, title, body_type in rows.values_list(
            "member_id", "org_id", "title", "body__body_type"
        ):
            if body_type in (None, "executive_committee", "cell_committee"):
                seats[org_id].append((member_id, title))
        return seats

    # ------------------------------------------------------------ assignments
    def assignments(self) -> dict[int, list[OversightAssignment]]:
        """District seats oversee the 50 grassroots organisations (one left uncovered, one
        handed over in July); each commune or agency committee's members oversee its cells."""
        rng = self.rng
        district_seats = [m for m, t in self.seats[self.district.pk]]
        self.district_seats = district_seats
        self.standing = [m for m, t in self.seats[self.district.pk] if t in LEADER_TITLES]
        targets = self.grassroots[: len(self.grassroots) - UNCOVERED]
        rows: list[OversightAssignment] = []
        overseers = district_seats[3:] + district_seats[:3]  # the secretaries oversee least
        for i, org in enumerate(targets):
            member = overseers[i % len(overseers)]
            rows.append(
                OversightAssignment(
                    member_id=member,
                    committee=self.district,
                    target=org,
                    valid_from=date(YEAR, 1, 4),
                    target_count=1,
                )
            )
        # A handover: the overseer of the 5th organisation changes on 1/7 after a reshuffle.
        old = rows[4]
        old.valid_to, old.end_reason = date(YEAR, 6, 30), "Điều chỉnh phân công sau kiện toàn"
        successor = next(
            m
            for m in district_seats
            if m != old.member_id and m not in {r.member_id for r in rows[:8]}
        )
        new = OversightAssignment(
            member_id=successor,
            committee=self.district,
            target=old.target,
            valid_from=date(YEAR, 7, 1),
            target_count=1,
        )
        OversightAssignment.objects.bulk_create(rows, batch_size=BATCH)
        new.handed_over_from = old
        new.save()
        rows.append(new)
        lower = []
        for org in self.grassroots:
            if org.kind != OrgKind.GRASSROOTS_COMMITTEE:
                continue
            members = [m for m, t in self.seats[org.pk] if t != Title.SECRETARY] or [
                m for m, _t in self.seats[org.pk]
            ]
            cells = [c for c in self.cells if c.parent_id == org.pk]
            for i, cell in enumerate(cells):
                lower.append(
                    OversightAssignment(
                        member_id=members[i % len(members)],
                        committee=org,
                        target=self.orgs[cell.pk],
                        valid_from=date(YEAR, 1, 4),
                        target_count=1,
                    )
                )
        OversightAssignment.objects.bulk_create(lower, batch_size=BATCH)
        rng.shuffle(lower)
        by_member: dict[int, list[OversightAssignment]] = defaultdict(list)
        for a in rows + lower:
            by_member[a.member_id].append(a)
        return by_member

    # ------------------------------------------------------------ meetings
    def meetings(self) -> tuple[list[Meeting], dict[int, list[Meeting]]]:
        rng = self.rng
        roster = self._rosters()
        missed_m = {(self.cells[i].pk, m) for i, m in MISSED_MONTHLY if i < len(self.cells)}
        missed_q = {(self.cells[i].pk, q) for i, q in MISSED_THEMATIC if i < len(self.cells)}
        secretaries = {
            org_id: [m for m, t in seats if t == Title.SECRETARY]
            for org_id, seats in self.seats.items()
        }
        loose = dict(
            Position.objects.filter(title=Title.SECRETARY, body__isnull=True).values_list(
                "org_id", "member_id"
            )
        )
        meetings: list[Meeting] = []
        for cell in self.cells:
            day_of_month = rng.randint(3, 10)
            chair = (secretaries.get(cell.pk) or [loose.get(cell.pk)])[0]
            for month in range(1, 13):
                day = date(YEAR, month, day_of_month)
                if day < cell.since or (cell.pk, month) in missed_m:
                    continue
                meetings.append(self._meeting(cell, day, MeetingKind.REGULAR, chair, month))
            for quarter in range(1, 5):
                start, _end = quarter_bounds(YEAR, quarter)
                day = date(YEAR, start.month + 1, min(28, day_of_month + 12))
                if day < cell.since or (cell.pk, quarter) in missed_q:
                    continue
                meetings.append(self._meeting(cell, day, MeetingKind.THEMATIC, chair, quarter))
        Meeting.objects.bulk_create(meetings, batch_size=BATCH)
        self._attendance(meetings, roster)
        by_cell: dict[int, list[Meeting]] = defaultdict(list)
        for m in meetings:
            by_cell[m.org_id].append(m)
        return meetings, by_cell

    def _meeting(self, cell: Cell, day: date, kind: str, chair: int | None, n: int) -> Meeting:
        if kind == MeetingKind.REGULAR:
            topic = f"Sinh hoạt thường kỳ tháng {n}/{YEAR}"
            minutes = (
                f"Đồng chí chủ trì đánh giá kết quả lãnh đạo thực hiện nhiệm vụ tháng "
                f"{n - 1 if n > 1 else 12}; chi bộ thảo luận, thống nhất nhiệm vụ tháng {n}.\n\n"
                "Đảng viên phát biểu ý kiến về sản xuất, an ninh trật tự và công tác vận động "
                "nhân dân ở địa bàn."
            )
            resolution = f"Chi bộ thống nhất các nhiệm vụ trọng tâm tháng {n}/{YEAR}."
        else:
            topic = THEMES[(n - 1) % len(THEMES)]
            minutes = f"Chi bộ sinh hoạt chuyên đề: {topic}. Đảng viên liên hệ bản thân."
            resolution = "Mỗi đảng viên đăng ký việc làm cụ thể để thực hiện."
        return Meeting(
            org_id=cell.pk,
            kind=kind,
            date=day,
            topic=topic,
            chair_id=chair,
            start_time=None,
            end_time=None,
            minutes=minutes,
            resolution=resolution,
        )

    def _rosters(self) -> dict[int, list[tuple]]:
        """Per cell: (member id, from, to, recognised, exit) of its official memberships."""
        members = {
            pk: (ceremony, recognised, exit_)
            for pk, ceremony, recognised, exit_ in Member.objects.values_list(
                "pk", "admission_ceremony_date", "official_recognition_date", "exit_date"
            )
        }
        rosters: dict[int, list[tuple]] = defaultdict(list)
        cell_ids = {c.pk for c in self.cells}
        for member_id, org_id, start, end in Membership.objects.filter(
            org_id__in=cell_ids, kind=MembershipKind.OFFICIAL, valid_from__lte=AS_OF
        ).values_list("member_id", "org_id", "valid_from", "valid_to"):
            if end is not None and end < date(YEAR, 1, 1):
                continue
            ceremony, recognised, exit_ = members[member_id]
            rosters[org_id].append((member_id, max(start, ceremony), end, recognised, exit_))
        self.exempt = defaultdict(list)
        for member_id, start, end in Exemption.objects.values_list(
            "member_id", "valid_from", "valid_to"
        ):
            self.exempt[member_id].append((start, end))
        return rosters

    def _attendance(self, meetings: list[Meeting], rosters) -> None:
        rng = self.rng
        everyone = sorted(
            m
            for rows in rosters.values()
            for m, start, end, _rec, exit_ in rows
            if start <= date(YEAR, 1, 1) and end is None and exit_ is None and m not in self.exempt
        )
        self.flagged = set(rng.sample(everyone, FLAGGED_MEMBERS))
        flagged_months = {
            m: set(rng.sample(range(1, 13), rng.choice((3, 4)))) for m in self.flagged
        }
        rows: list[Attendance] = []
        votes: list[Vote] = []
        for meeting in meetings:
            counted = present_official = 0
            for member_id, start, end, recognised, exit_ in rosters.get(meeting.org_id, ()):
                day = meeting.date
                if not _active(start, end, day) or (exit_ is not None and exit_ <= day):
                    continue
                official = recognised is not None and recognised <= day
                reason = ""
                if any(_active(s, e, day) for s, e in self.exempt.get(member_id, ())):
                    status = AttendanceStatus.EXEMPTED
                elif (
                    member_id in self.flagged
                    and meeting.kind == MeetingKind.REGULAR
                    and day.month in flagged_months[member_id]
                ):
                    status = AttendanceStatus.UNEXCUSED
                else:
                    r = rng.random()
                    if r < 0.065:
                        status, reason = AttendanceStatus.EXCUSED, rng.choice(EXCUSES)
                    elif r < 0.07:
                        status = AttendanceStatus.UNEXCUSED
                    else:
                        status = AttendanceStatus.PRESENT
                rows.append(
                    Attendance(
                        meeting_id=meeting.pk,
                        member_id=member_id,
                        status=status,
                        reason=reason,
                        official=official,
                    )
                )
                counted += counts_in_denominator(status, official)
                present_official += official and status == AttendanceStatus.PRESENT
            if meeting.kind == MeetingKind.REGULAR and meeting.date.month == 12 and counted:
                yes = present_official
                votes.append(
                    Vote(
                        meeting_id=meeting.pk,
                        motion="Thông qua nghị quyết lãnh đạo năm 2017",
                        yes=yes,
                        no=0,
                        abstain=0,
                        denominator=counted,
                        passed=passes(yes, counted),
                    )
                )
        Attendance.objects.bulk_create(rows, batch_size=BATCH)
        statuses: dict[int, list[str]] = defaultdict(list)
        for row in rows:
            statuses[row.meeting_id].append(row.status)
        for meeting in meetings:
            meeting.set_counts(statuses.get(meeting.pk, ()))
        Meeting.objects.bulk_update(
            meetings,
            ["summoned", "present", "excused", "unexcused", "not_expected"],
            batch_size=BATCH,
        )
        Vote.objects.bulk_create(votes, batch_size=BATCH)
        self.attendance_rows = len(rows)

    # ------------------------------------------------------------ groups and visits
    def groups_and_visits(self, by_cell: dict[int, list[Meeting]], by_member) -> list[Visit]:
        """Five groups a quarter, in rotation, so that every sub-cell is attended once in the
        year at one of its regular meetings of that quarter; overseers attend once a quarter
        (a few miss a quarter, for the targets view to show)."""
        rng = self.rng
        sub_cells = [c for c in self.cells if c.kind == OrgKind.SUB_CELL]
        ordinary = [m for m in self.district_seats if m not in self.standing]
        remaining = list(sub_cells)
        visits: list[tuple[Visit, list[int]]] = []
        seen: set[tuple[int, int]] = set()  # (meeting, member): nobody attends one twice
        self.groups = []
        for quarter in range(1, 5):
            start, end = quarter_bounds(YEAR, quarter)
            share = remaining[: planning.rotation_share(len(remaining), 5 - quarter)]
            remaining = remaining[len(share) :]
            groups = []
            others = [s for i, s in enumerate(self.standing) if i != 3]
            for k in range(GROUPS_PER_QUARTER):
                # The demo's "thuongvu" (standing[3]) leads group 1 every quarter.
                leader = self.standing[3] if k == 0 else others[(quarter * 4 + k) % len(others)]
                crew = [ordinary[(quarter * 7 + k * 2 + j) % len(ordinary)] for j in range(2)]
                group = WorkingGroup(
                    committee=self.district,
                    name=f"Tổ công tác số {k + 1} quý {quarter}/{YEAR}",
                    period_start=start,
                    period_end=end,
                    leader_id=leader,
                    note="Dự sinh hoạt chi bộ thôn, tổ dân phố, nắm tình hình tư tưởng, dư luận",
                )
                group.crew = [leader, *[c for c in crew if c != leader]]
                groups.append(group)
            WorkingGroup.objects.bulk_create(groups)
            through = WorkingGroup.members.through
            through.objects.bulk_create(
                through(workinggroup_id=g.pk, member_id=m) for g in groups for m in g.crew
            )
            shares = planning.spread(share, [0] * len(groups))
            targets = []
            for group, cells in zip(groups, shares, strict=True):
                for cell in cells:
                    meeting = next(
                        m
                        for m in by_cell[cell.pk]
                        if m.kind == MeetingKind.REGULAR and start <= m.date <= end
                    )
                    targets.append(
                        GroupTarget(group=group, org_id=cell.pk, planned_date=meeting.date)
                    )
                    who = group.crew[: rng.choice((2, 3))]
                    seen.update((meeting.pk, m) for m in who)
                    visit = Visit(
                        meeting=meeting,
                        org_id=cell.pk,
                        path=cell.path,
                        date=meeting.date,
                        group=group,
                        notes=self._notes(cell),
                        without_mandate=False,
                    )
                    visits.append((visit, who))
            GroupTarget.objects.bulk_create(targets, batch_size=BATCH)
            self.groups.extend(groups)
        # Overseers of grassroots organisations attend one of its cells each quarter.
        cells_under: dict[int, list[Cell]] = defaultdict(list)
        for c in self.cells:
            top = next(
                (int(p) for p in c.path.split(".")[:-1] if int(p) in self._grassroots_ids), None
            )
            if top is not None:
                cells_under[top].append(c)
        for assignments in by_member.values():
            for a in assignments:
                if a.committee_id != self.district.pk:
                    continue
                for quarter in range(1, 5):
                    start, end = quarter_bounds(YEAR, quarter)
                    if a.valid_from > end or (a.valid_to is not None and a.valid_to < start):
                        continue
                    if rng.random() < 0.06 or not cells_under[a.target_id]:  # missed
                        continue
                    cell = rng.choice(cells_under[a.target_id])
                    options = [
                        m
                        for m in by_cell[cell.pk]
                        if start <= m.date <= end
                        and m.date >= a.valid_from
                        and (a.valid_to is None or m.date <= a.valid_to)
                        and (m.pk, a.member_id) not in seen
                    ]
                    if not options:
                        continue
                    meeting = rng.choice(options)
                    seen.add((meeting.pk, a.member_id))
                    visit = Visit(
                        meeting=meeting,
                        org_id=cell.pk,
                        path=cell.path,
                        date=meeting.date,
                        notes=self._notes(cell),
                        without_mandate=False,
                    )
                    visits.append((visit, [a.member_id]))
        Visit.objects.bulk_create([v for v, _ in visits], batch_size=BATCH)
        attendees = []
        for visit, who in visits:
            cell = self.orgs[visit.org_id]
            for member_id in who:
                attendees.append(
                    VisitAttendee(
                        visit=visit,
                        member_id=member_id,
                        assignment=assignment_covering(
                            member_id, cell, visit.date, by_member.get(member_id, ())
                        ),
                    )
                )
        VisitAttendee.objects.bulk_create(attendees, batch_size=BATCH)
        return [v for v, _ in visits]

    @property
    def _grassroots_ids(self) -> set[int]:
        return {o.pk for o in self.grassroots}

    def _notes(self, cell: Cell) -> str:
        return self.rng.choice(
            (
                f"Chi bộ {cell.name} sinh hoạt đúng nội dung; đảng viên phát biểu sôi nổi.",
                "Tình hình tư tưởng đảng viên ổn định; nhân dân phấn khởi với kết quả xây "
                "dựng nông thôn mới.",
                "Một số ý kiến về đường giao thông nội đồng và thủ tục hành chính.",
            )
        )

    # ------------------------------------------------------------ opinions
    def opinions(self, visits: list[Visit]) -> None:
        rng = self.rng
        ensure_defaults()  # the topics of a fresh install, whatever was done to the list
        topics = {t.code: t for t in OpinionTopic.objects.all()}
        codes = [c for c in OPINION_TEXTS if c in topics]
        agencies = {o.code: o for o in self.orgs.values() if o.kind == OrgKind.GRASSROOTS_CELL}
        by_topic_agency = {
            "dat-dai": "cqcq-tai-nguyen-moi-truong",
            "ha-tang": "cqcq-kinh-te-ha-tang",
            "chinh-sach-xa-hoi": "cqcq-lao-dong-tbxh",
            "giao-duc-y-te": "cqcq-giao-duc",
        }
        grassroots_of = {}
        for c in self.cells:
            ids = [int(p) for p in c.path.split(".")[:-1]]
            grassroots_of[c.pk] = next(
                (self.orgs[i] for i in reversed(ids) if i in self._grassroots_ids), None
            )
        states = [s for s, w in STATE_MIX for _ in range(w)]
        visit_pool = sorted(visits, key=lambda v: (v.date, v.pk))
        opinions, plans = [], []
        for i in range(OPINIONS):
            visit = rng.choice(visit_pool) if i % 8 else None
            if visit is not None:
                cell_id, received, channel = visit.org_id, visit.date, OpinionChannel.VISIT
            else:
                cell = rng.choice(self.cells)
                cell_id, channel = cell.pk, OpinionChannel.STAFF
                received = date(YEAR, 1, 1) + timedelta(days=rng.randrange(355))
            cell = self.orgs[cell_id]
            code = rng.choice(codes)
            place = f"{cell.name.removeprefix('Chi bộ ')}"
            source = rng.choice(
                (OpinionSource.CITIZEN,) * 9
                + (OpinionSource.MEMBER,) * 7
                + (OpinionSource.CADRE,) * 4
            )
            name = contact = ""
            consent = False
            if source == OpinionSource.CITIZEN and rng.random() < 0.4:
                family = rng.choice([f for f, _w in N.FAMILY_NAMES[:8]])
                name = f"{family} {rng.choice(N.MALE_MIDDLE)[0]} {rng.choice(N.MALE_GIVEN)}"
                if rng.random() < 0.5:
                    consent = True
                    contact = f"09{rng.randrange(10**7, 10**8)}"
            grassroots = grassroots_of[cell_id]
            opinions.append(
                Opinion(
                    received_on=received,
                    source=source,
                    channel=channel,
                    visit=visit,
                    meeting_id=visit.meeting_id if visit else None,
                    text=rng.choice(OPINION_TEXTS[code]).format(place=place),
                    topic=topics[code],
                    org_id=cell_id,
                    grassroots=grassroots,
                    place=place,
                    received_by=self.district,
                    submitter_name=name,
                    submitter_contact=contact,
                    consent=consent,
                )
            )
            handler = grassroots
            if code in by_topic_agency and rng.random() < 0.35:
                handler = agencies.get(by_topic_agency[code], grassroots)
            plans.append((rng.choice(states), handler))
        Opinion.objects.bulk_create(opinions, batch_size=BATCH)
        steps = []
        for opinion, (final, handler) in zip(opinions, plans, strict=True):
            steps.extend(self._lifecycle(opinion, final, handler))
        Opinion.objects.bulk_update(
            opinions,
            [
                "state",
                "assigned_to",
                "deadline",
                "answer",
                "answered_on",
                "approved_by",
                "closed_on",
            ],
            batch_size=BATCH,
        )
        OpinionStep.objects.bulk_create(steps, batch_size=BATCH)

    def _lifecycle(self, o: Opinion, final: str, handler) -> list[OpinionStep]:
        """Steps from reception to ``final``, all dated by 31/12/2016."""
        rng = self.rng
        day = o.received_on
        steps = [self._step(o, day, "", OpinionState.RECEIVED, self.district)]
        state = OpinionState.RECEIVED

        def advance(to: str, gap: tuple[int, int], **kw):
            nonlocal day, state
            day = min(AS_OF, day + timedelta(days=rng.randint(*gap)))
            steps.append(self._step(o, day, state, to, **kw))
            state = to

        o.state = final
        if final == OpinionState.RECEIVED:
            return steps
        advance(OpinionState.ASSIGNED, (1, 7), org=handler, note="Đề nghị xem xét, trả lời")
        o.assigned_to = handler
        # Most deadlines give 30 days; those still open at the end of the year are partly late.
        o.deadline = day + timedelta(days=rng.choice((15, 30, 30, 45)))
        steps[-1].deadline = o.deadline
        if final == OpinionState.ASSIGNED:
            return steps
        if final in (OpinionState.RETURNED, OpinionState.ESCALATED):
            advance(
                final,
                (3, 20),
                org=handler,
                note="Nội dung vượt thẩm quyền của cơ sở"
                if final == OpinionState.ESCALATED
                else "Không thuộc địa bàn, đề nghị giao đơn vị khác",
            )
            return steps
        advance(OpinionState.IN_PROGRESS, (1, 10), org=handler)
        if final == OpinionState.IN_PROGRESS:
            return steps
        answer = rng.choice(ANSWERS)
        advance(OpinionState.ANSWERED, (5, 40), org=handler, note=answer)
        o.answer, o.answered_on = answer, day
        o.approved_by = f"Bí thư {handler.name.removeprefix('Đảng bộ ')}"
        if final == OpinionState.ANSWERED:
            return steps
        advance(OpinionState.CLOSED, (3, 20), org=self.district, note="Người nêu ý kiến đồng ý")
        o.closed_on = day
        return steps

    def _step(self, o, day, from_state, to_state, org=None, note="", deadline=None):
        return OpinionStep(
            opinion=o,
            on=day,
            from_state=from_state,
            to_state=to_state,
            org=org,
            note=note,
            deadline=deadline,
            actor_name="dữ liệu mẫu",
        )


def write(seed: int) -> dict[str, int]:
    """Write the year; returns counts for the load's audit entry."""
    writer = _Writer(seed)
    by_member = writer.assignments()
    meetings, by_cell = writer.meetings()
    visits = writer.groups_and_visits(by_cell, by_member)
    writer.opinions(visits)
    return {
        "assignments": sum(len(v) for v in by_member.values()),
        "meetings": len(meetings),
        "attendance": writer.attendance_rows,
        "working_groups": len(writer.groups),
        "visits": len(visits),
        "opinions": OPINIONS,
    }


def thuongvu_member() -> int:
    """The standing-committee member behind the ``thuongvu`` demo login (leads group 1)."""
    district = Organisation.objects.get(code=DISTRICT)
    standing = list(
        Position.objects.filter(
            org=district,
            title__in=LEADER_TITLES,
            body__body_type="executive_committee",
            valid_from__lte=date(YEAR, 1, 1),
        )
        .order_by("id")
        .values_list("member_id", flat=True)
    )
    return standing[3]
