"""Every change to cell meetings: one function per operation, one transaction, keyword-only
``actor``, validation first (nothing written on bad input), an audit entry."""

from dataclasses import dataclass
from datetime import date, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from dangbo.core import audit, scope
from dangbo.core.dates import fmt, not_in_future
from dangbo.core.errors import Problems, collect, invalid
from dangbo.core.text import clean_paragraphs, clean_text
from dangbo.core.types import Actor
from dangbo.members import rules as member_rules
from dangbo.members.choices import MembershipKind
from dangbo.members.models import Exemption, Member, Membership
from dangbo.orgs.choices import CELL_KINDS
from dangbo.orgs.models import Organisation
from dangbo.orgs.queries import active_q

from . import rules
from .choices import AttendanceStatus, MeetingAudit, MeetingKind, MeetingMode, QualityRating
from .models import Attendance, Meeting, Vote

MAX_MINUTES = 50_000
_SNAPSHOT = [
    "org",
    "kind",
    "date",
    "start_time",
    "end_time",
    "topic",
    "chair",
    "secretary",
    "mode",
    "resolution_ref",
    "quality",
]


@dataclass(frozen=True)
class RosterEntry:
    member: Member
    official: bool  # recognised by that date and belonging here: only they vote
    default_status: str  # what the attendance form starts from
    guest: bool  # temporarily attached here, officially elsewhere


def roster(org: Organisation, day: date) -> list[RosterEntry]:
    """Who is summoned to ``org``'s meeting on ``day``: its official members (those away on
    a temporary transfer or exempted are listed with that status) and members temporarily
    attached to it. Two queries, whatever the cell's size."""
    rows = list(
        Membership.objects.filter(active_q(day), org=org)
        .filter(Q(member__exit_date__isnull=True) | Q(member__exit_date__gt=day))
        .filter(member__admission_ceremony_date__lte=day)
        .select_related("member")
        .order_by("member__sort_key", "member_id")
    )
    ids = [ms.member_id for ms in rows]
    away = set(
        Membership.objects.filter(active_q(day), member_id__in=ids, kind=MembershipKind.TEMPORARY)
        .exclude(org=org)
        .values_list("member_id", flat=True)
    )
    exempted = set(
        Exemption.objects.filter(active_q(day), member_id__in=ids).values_list(
            "member_id", flat=True
        )
    )
    entries: dict[int, RosterEntry] = {}
    for ms in rows:
        m = ms.member
        guest = ms.kind == MembershipKind.TEMPORARY
        status = AttendanceStatus.PRESENT
        if not guest and m.pk in away:
            status = AttendanceStatus.TEMPORARILY_AWAY
        elif m.pk in exempted:
            status = AttendanceStatus.EXEMPTED
        # A member attached here temporarily takes part but votes where they belong.
        official = not guest and member_rules.official_on(
            m.official_recognition_date, m.recognition_unknown, m.admission_ceremony_date, day
        )
        if m.pk not in entries or not guest:
            entries[m.pk] = RosterEntry(m, official, status, guest)
    return list(entries.values())


def _check_cell_on(org: Organisation, day: date) -> None:
    if org is None:
        raise invalid("org", "Chi bộ: bắt buộc.")
    if org.kind not in CELL_KINDS:
        raise invalid("org", f"Chi bộ: {org.name} không phải là chi bộ.")
    if day < org.valid_from:
        raise invalid(
            "date",
            f"Ngày sinh hoạt: {fmt(day)} trước ngày thành lập {org.name} ({fmt(org.valid_from)}).",
        )
    if org.valid_to is not None and day > org.valid_to:
        raise invalid(
            "date",
            f"Ngày sinh hoạt: {fmt(day)} sau ngày {org.name} kết thúc hoạt động "
            f"({fmt(org.valid_to)}).",
        )


def _clean_fields(data: dict) -> dict:
    errors: dict[str, str] = {}
    out: dict = {}
    kind = data.get("kind") or MeetingKind.REGULAR
    if kind not in MeetingKind.values:
        errors["kind"] = "Loại sinh hoạt: không hợp lệ."
    out["kind"] = kind
    mode = data.get("mode") or MeetingMode.IN_PERSON
    if mode not in MeetingMode.values:
        errors["mode"] = "Hình thức: không hợp lệ."
    out["mode"] = mode
    quality = data.get("quality") or ""
    if quality not in QualityRating.values:
        errors["quality"] = "Tự đánh giá chất lượng: không hợp lệ."
    out["quality"] = quality
    for name, label, limit, multiline in (
        ("topic", "Chủ đề", 300, False),
        ("resolution_ref", "Số nghị quyết", 100, False),
        ("minutes", "Biên bản", MAX_MINUTES, True),
        ("resolution", "Nghị quyết / kết luận", MAX_MINUTES, True),
    ):
        try:
            if multiline:
                out[name] = clean_paragraphs(data.get(name), label, max_length=limit, field=name)
            else:
                out[name] = clean_text(
                    data.get(name), label, max_length=limit, required=False, field=name
                )
        except ValidationError as exc:  # keyed by the field
            errors[name] = exc.messages[0]
    if kind == MeetingKind.THEMATIC and not out.get("topic") and "topic" not in errors:
        errors["topic"] = "Chủ đề: bắt buộc với buổi sinh hoạt chuyên đề."
    start, end = data.get("start_time"), data.get("end_time")
    for name, value in (("start_time", start), ("end_time", end)):
        if value is not None and not isinstance(value, time):
            errors[name] = "Giờ: không hợp lệ (dạng HH:MM)."
    if isinstance(start, time) and isinstance(end, time) and end <= start:
        errors["end_time"] = "Giờ kết thúc: phải sau giờ bắt đầu."
    out["start_time"], out["end_time"] = start, end
    collect(errors)
    return out


def _check_officer(member, entries: dict[int, RosterEntry], field: str, label: str, day):
    if member is None:
        return None
    if member.pk not in entries:
        raise invalid(
            field,
            f"{label}: {member.full_name} không sinh hoạt ở chi bộ này vào ngày {fmt(day)}.",
        )
    return member


def may_read_reasons(user, org: Organisation) -> bool:
    """Reasons for an absence ("ốm", an illness) are sensitive: read only with the SENSITIVE
    grant over the cell. Anyone else sees the status ("Vắng có lý do") without the reason.
    Writing one needs no grant, so a cell secretary without it can still record; re-saving
    a hidden reason keeps it (``_attendance_rows``)."""
    return scope.covers(user, scope.SENSITIVE, org)


def hide_reasons(rows, user, org: Organisation):
    """The attendance rows as ``user`` may read them: reasons blanked (in memory only)
    unless ``may_read_reasons``. Returns whether they were hidden."""
    if may_read_reasons(user, org):
        return False
    for row in rows:
        row.reason = ""
    return True


def _attendance_rows(
    meeting: Meeting, entries: dict[int, RosterEntry], attendance: dict, kept: dict | None = None
):
    """``attendance`` maps member id → status or (status, reason); members not named take
    their default status. Refuses anyone not summoned on that date, naming them. ``kept``:
    the stored {member id: (status, reason)} — an excused absence given again without a
    reason keeps its stored one (one who may not read it was shown an empty box)."""
    kept = kept or {}
    rows = []
    errors: dict[str, str] = {}
    unknown = [pk for pk in attendance if pk not in entries]
    if unknown:
        # Named by id only: a name looked up here would reveal members outside the caller's
        # scope to anyone who may record meetings.
        who = ", ".join(str(pk) for pk in unknown[:5]) + ("…" if len(unknown) > 5 else "")
        errors["attendance"] = (
            f"Điểm danh: đảng viên mã {who} không sinh hoạt ở {meeting.org.name} vào ngày "
            f"{fmt(meeting.date)}."
        )
    for pk, entry in entries.items():
        given = attendance.get(pk, entry.default_status)
        status, reason = given if isinstance(given, tuple) else (given, "")
        if status not in AttendanceStatus.values:
            errors[f"attendance-{pk}"] = f"Điểm danh {entry.member.full_name}: không hợp lệ."
            continue
        try:
            reason = clean_text(reason, "Lý do vắng", max_length=300, required=False)
        except ValidationError as exc:
            errors[f"attendance-{pk}"] = f"{entry.member.full_name}: {exc.messages[0]}"
            continue
        if status == AttendanceStatus.EXCUSED and not reason:
            stored_status, stored_reason = kept.get(pk, ("", ""))
            if stored_status == AttendanceStatus.EXCUSED:
                reason = stored_reason
        if status == AttendanceStatus.EXCUSED and not reason:
            errors[f"attendance-{pk}"] = (
                f"Điểm danh {entry.member.full_name}: vắng có lý do cần ghi lý do."
            )
        rows.append(
            Attendance(
                meeting=meeting,
                member=entry.member,
                status=status,
                reason=reason,
                official=entry.official,
            )
        )
    collect(errors)
    return rows


@dataclass
class _Judged:
    """What ``_judge`` found: the cleaned fields, the officers, the attendance rows (unsaved)
    and every problem. Nothing of it is written."""

    meeting: Meeting
    fields: dict
    rows: list[Attendance]
    problems: Problems


def _judge(
    *,
    org: Organisation,
    day: date | None,
    data: dict,
    attendance: dict | None,
    chair: Member | None,
    secretary: Member | None,
    meeting: Meeting | None = None,
) -> _Judged:
    """Every check of a meeting in one pass, in one place — the date, the fields, the
    officers and the attendance rows — for ``record_meeting``, ``update_meeting`` (``meeting``
    given: its date and cell are fixed) and ``check_meeting`` (a form that already failed on
    some inputs). Without a date the roster is unknown: officers and rows are not judged."""
    problems = Problems()
    if meeting is None:
        with problems.check():
            if day is None:
                raise invalid("date", "Ngày sinh hoạt: bắt buộc.")
            not_in_future(day, "date", "Ngày sinh hoạt")
            _check_cell_on(org, day)
    fields: dict = {}
    with problems.check():
        fields = _clean_fields({"kind": meeting.kind, **data} if meeting else data)
    entries = {e.member.pk: e for e in roster(org, day)} if day is not None else {}
    if day is not None:
        with problems.check():
            chair = _check_officer(chair, entries, "chair", "Chủ trì", day)
        with problems.check():
            secretary = _check_officer(secretary, entries, "secretary", "Thư ký", day)
    target = meeting if meeting is not None else Meeting(org=org)
    if meeting is None and day is not None:
        target.date = day
    target.chair, target.secretary = chair, secretary
    rows: list[Attendance] = []
    if attendance is not None and day is not None:
        with problems.check():
            rows = _attendance_rows(target, entries, attendance)
    return _Judged(target, fields, rows, problems)


def check_meeting(
    *,
    org: Organisation,
    day: date | None,
    data: dict,
    attendance: dict | None = None,
    chair: Member | None = None,
    secretary: Member | None = None,
    meeting: Meeting | None = None,
) -> dict[str, str]:
    """Every problem a record (or, with ``meeting``, an edit) would be refused for, as
    field → message, without writing: a form that already refused some inputs shows these
    beside its own errors, so every check comes in one pass, not in rounds (issue 12).
    Only what was given is judged: ``data`` holds the inputs that passed."""
    judged = _judge(
        org=meeting.org if meeting else org,
        day=meeting.date if meeting else day,
        data=data,
        attendance=attendance,
        chair=chair,
        secretary=secretary,
        meeting=meeting,
    )
    return dict(judged.problems.errors)


@transaction.atomic
def record_meeting(
    *,
    actor: Actor,
    org: Organisation,
    day: date,
    data: dict,
    attendance: dict | None = None,
    chair: Member | None = None,
    secretary: Member | None = None,
) -> Meeting:
    """A meeting as its minutes record it. ``attendance`` None: not taken yet (the secretary
    may add it later); a dict: every summoned member gets a row (defaults for the unnamed)."""
    if day is None:
        raise invalid("date", "Ngày sinh hoạt: bắt buộc.")
    if org is None:
        raise invalid("org", "Chi bộ: bắt buộc.")
    org = Organisation.objects.select_for_update().get(pk=org.pk)
    judged = _judge(
        org=org, day=day, data=data, attendance=attendance, chair=chair, secretary=secretary
    )
    judged.problems.raise_all()
    meeting, rows = judged.meeting, judged.rows
    for name, value in judged.fields.items():
        setattr(meeting, name, value)
    meeting.recorded_by = actor if getattr(actor, "pk", None) else None
    meeting.set_counts(r.status for r in rows)
    meeting.save()
    Attendance.objects.bulk_create(rows)
    audit.record(
        actor=actor,
        action=MeetingAudit.RECORDED,
        obj=meeting,
        summary=f"Ghi {meeting.get_kind_display().lower()} ngày {fmt(day)} của {org.name}"
        + (f" ({len(rows)} đảng viên điểm danh)" if rows else ""),
        after=audit.snapshot(meeting, _SNAPSHOT),
    )
    return meeting


KEEP = object()  # update_meeting: an officer not given keeps the recorded one


@transaction.atomic
def update_meeting(
    *,
    actor: Actor,
    meeting: Meeting,
    data: dict,
    chair: Member | None | object = KEEP,
    secretary: Member | None | object = KEEP,
) -> Meeting:
    """Minutes, resolution, times, officers; the date and cell are fixed once recorded.
    Changes only what it is given: a field left out of ``data``, an officer not passed,
    keeps its recorded value (an edit form posts only what it showed)."""
    meeting = Meeting.objects.select_for_update().select_related("org").get(pk=meeting.pk)
    before = audit.snapshot(meeting, _SNAPSHOT)
    kept = {f: getattr(meeting, f) for f in MEETING_FIELDS if f not in data}
    judged = _judge(
        org=meeting.org,
        day=meeting.date,
        data={**kept, **data},
        attendance=None,
        chair=meeting.chair if chair is KEEP else chair,  # type: ignore[arg-type]  # KEEP resolved
        secretary=meeting.secretary if secretary is KEEP else secretary,  # type: ignore[arg-type]
        meeting=meeting,
    )
    judged.problems.raise_all()
    for name, value in judged.fields.items():
        setattr(meeting, name, value)
    meeting.save()
    audit.record(
        actor=actor,
        action=MeetingAudit.UPDATED,
        obj=meeting,
        summary=f"Cập nhật biên bản buổi sinh hoạt ngày {fmt(meeting.date)} của {meeting.org.name}",
        before=before,
        after=audit.snapshot(meeting, _SNAPSHOT),
    )
    return meeting


# The meeting's own facts that the record and the edit take as given (the web form and the
# API pass these through; chair, secretary and attendance are resolved apart).
MEETING_FIELDS = (
    "kind",
    "start_time",
    "end_time",
    "topic",
    "mode",
    "minutes",
    "resolution",
    "resolution_ref",
    "quality",
)


@transaction.atomic
def set_attendance(*, actor: Actor, meeting: Meeting, attendance: dict) -> list[Attendance]:
    """Replace the attendance of a meeting (all summoned members, defaults for the unnamed)."""
    meeting = Meeting.objects.select_for_update().select_related("org").get(pk=meeting.pk)
    entries = {e.member.pk: e for e in roster(meeting.org, meeting.date)}
    stored = {
        member_id: (status, reason)
        for member_id, status, reason in meeting.attendance.values_list(
            "member_id", "status", "reason"
        )
    }
    rows = _attendance_rows(meeting, entries, attendance, stored)
    before = {member_id: status for member_id, (status, _reason) in stored.items()}
    meeting.attendance.all().delete()
    Attendance.objects.bulk_create(rows)
    meeting.set_counts(r.status for r in rows)
    meeting.save(
        update_fields=["summoned", "present", "excused", "unexcused", "not_expected", "updated_at"]
    )
    changed = {str(r.member_id): r.status for r in rows if before.get(r.member_id) != r.status}
    audit.record(
        actor=actor,
        action=MeetingAudit.ATTENDANCE,
        obj=meeting,
        summary=f"Điểm danh buổi sinh hoạt ngày {fmt(meeting.date)} của {meeting.org.name}: "
        f"{sum(r.status == AttendanceStatus.PRESENT for r in rows)}/{len(rows)} có mặt",
        before={str(k): v for k, v in before.items()} or None,
        after=changed,
    )
    return rows


def denominator(meeting: Meeting) -> tuple[int, int]:
    """(denominator, official members present) for a vote at ``meeting`` (rule 14)."""
    counted = present = 0
    for status, official in meeting.attendance.values_list("status", "official"):
        counted += rules.counts_in_denominator(status, official)
        present += official and status == AttendanceStatus.PRESENT
    return counted, present


@transaction.atomic
def record_vote(
    *, actor: Actor, meeting: Meeting, motion: str, yes: int, no: int, abstain: int = 0
) -> Vote:
    meeting = Meeting.objects.select_for_update().select_related("org").get(pk=meeting.pk)
    motion = clean_text(motion, "Nội dung biểu quyết", max_length=500, field="motion")
    errors = {}
    for name, value, label in (
        ("yes", yes, "Tán thành"),
        ("no", no, "Không tán thành"),
        ("abstain", abstain, "Không biểu quyết"),
    ):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            errors[name] = f"{label}: phải là số nguyên không âm."
    collect(errors)
    counted, present = denominator(meeting)
    if counted == 0:
        raise invalid(
            "motion", "Biểu quyết: buổi sinh hoạt chưa có điểm danh đảng viên chính thức."
        )
    if yes + no + abstain > present:
        raise invalid(
            "yes",
            f"Số phiếu: {yes + no + abstain} vượt số đảng viên chính thức có mặt ({present}); "
            "đảng viên dự bị không biểu quyết.",
        )
    vote = Vote.objects.create(
        meeting=meeting,
        motion=motion,
        yes=yes,
        no=no,
        abstain=abstain,
        denominator=counted,
        passed=rules.passes(yes, counted),
    )
    audit.record(
        actor=actor,
        action=MeetingAudit.VOTE,
        obj=meeting,
        summary=f"Biểu quyết “{motion[:80]}”: {yes}/{counted} tán thành — "
        + ("thông qua" if vote.passed else "không thông qua"),
        after={"yes": yes, "no": no, "abstain": abstain, "denominator": counted},
    )
    return vote


@transaction.atomic
def minutes_downloaded(*, actor: Actor, meeting: Meeting) -> None:
    """The minutes name who was absent and why: downloading them discloses personal data,
    so each download leaves an audit entry (nothing else changes)."""
    audit.record(
        actor=actor,
        action=MeetingAudit.MINUTES_DOWNLOADED,
        obj=meeting,
        summary=f"Tải biên bản buổi sinh hoạt ngày {fmt(meeting.date)} của {meeting.org.name}",
    )
