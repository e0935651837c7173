"""Every change to a member: one function per lifecycle operation, one transaction,
keyword-only ``actor``; each validates the rules of brief §11.3 (7–11), appends a
``MemberEvent`` for the timeline and an audit entry.
"""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from dangbo.core import audit, scope
from dangbo.core.dates import fmt, not_in_future, today
from dangbo.core.errors import Problems, collect, forbidden, invalid
from dangbo.core.modelfields import label_of, max_length_of, validation_error
from dangbo.core.text import (
    clean_text,
    compact_digits,
    fold,
    name_parts,
    name_sort_key,
    vietnamese,
)
from dangbo.core.types import Actor
from dangbo.orgs.choices import CELL_KINDS
from dangbo.orgs.models import Organisation

from . import rules
from .choices import (
    ACTIVE_STATUSES,
    KIND_AUDIT,
    NO_BADGE_STATUSES,
    EventKind,
    ExemptionCategory,
    Gender,
    MemberAudit,
    MembershipKind,
    PoliticalTheory,
    Status,
    TemporaryReason,
)
from .models import (
    SENSITIVE_FIELDS,
    BadgeAward,
    Exemption,
    Member,
    MemberEvent,
    Membership,
    PartyAgeInterruption,
)

# Free-text fields; each one's label and length are the model field's.
TEXT_FIELDS = (
    "full_name",
    "birth_name",
    "aliases",
    "birthplace",
    "home_town",
    "permanent_address",
    "temporary_address",
    "ethnicity",
    "religion",
    "education",
    "qualification",
    "languages",
    "occupation",
    "workplace",
    "record_number",
)
# Number-like fields: spaces and dots between the digits are dropped (compact_digits), then
# the model field's validators give the shape (8 / 12 / 8–15 digits).
DIGIT_FIELDS = ("card_number", "id_number", "phone")

EDITABLE_FIELDS = (
    *TEXT_FIELDS,
    "gender",
    "date_of_birth",
    "phone",
    "card_number",
    "id_number",
    "political_theory",
    "severe_illness",
)
_SNAPSHOT = [
    "full_name",
    "status",
    "org",
    "card_number",
    "admission_decision_date",
    "admission_ceremony_date",
    "official_recognition_date",
    "recognition_unknown",
    "exit_date",
]


def _audit_view(data: dict) -> dict:
    """Before/after for the audit log: sensitive values are never copied there (not even a
    falsy one: ``severe_illness: False`` next to ``"***"`` would reveal the flag)."""
    return {k: ("***" if k in SENSITIVE_FIELDS else v) for k, v in data.items()}


def _check_sensitive_write(actor: Actor, org, data: dict, *, clearing_counts: bool) -> None:
    """Writing a sensitive field needs the same grant as reading it (and the duplicate-ID
    check must not become an oracle for those without it). ``actor=None`` is the system."""
    if actor is None:
        return
    touched = [f for f in SENSITIVE_FIELDS if f in data and (clearing_counts or data[f])]
    if touched and not scope.can_view_sensitive(actor, Member(org=org)):
        raise forbidden("Cần quyền xem thông tin nhạy cảm để ghi các trường này.")


def _loggable_fields(names) -> list[str]:
    """Which fields changed, as the log may say it: sensitive ones are not named."""
    return sorted({"thông tin nhạy cảm" if n in SENSITIVE_FIELDS else n for n in names})


def _clean_profile(data: dict, *, exclude_pk: int | None = None) -> dict:
    """Validate and normalise record fields; every bad field is reported at once."""
    errors: dict[str, str] = {}
    clean: dict = {}
    for name in TEXT_FIELDS:
        if name in data:
            try:
                clean[name] = clean_text(
                    vietnamese(data[name] or ""),
                    label_of(Member, name),
                    max_length=max_length_of(Member, name),
                    required=name == "full_name",
                )
            except ValidationError as exc:
                errors[name] = exc.messages[0]
    if "gender" in data:
        if data["gender"] not in Gender.values:
            errors["gender"] = "Giới tính: chọn Nam hoặc Nữ."
        clean["gender"] = data["gender"]
    if "political_theory" in data:
        value = data["political_theory"] or ""
        if value not in PoliticalTheory.values:
            errors["political_theory"] = "Lý luận chính trị: không hợp lệ."
        clean["political_theory"] = value
    if "severe_illness" in data:
        clean["severe_illness"] = bool(data["severe_illness"])
    if "date_of_birth" in data:
        dob = data["date_of_birth"]
        if not isinstance(dob, date):
            errors["date_of_birth"] = "Ngày sinh: bắt buộc, dạng dd/mm/yyyy."
        elif dob > today() or dob.year < 1890:
            errors["date_of_birth"] = "Ngày sinh: không hợp lệ."
        clean["date_of_birth"] = dob
    for name in DIGIT_FIELDS:
        if name not in data:
            continue
        value = compact_digits(data[name])
        if problem := validation_error(Member, name, value):
            errors[name] = f"{label_of(Member, name)}: {problem}"
        clean[name] = value
    # A taken number reads the same whoever holds it, in scope or not: the message must not
    # tell the caller anything about a member they may not see (issue 11.4).
    others = Member.objects.exclude(pk=exclude_pk) if exclude_pk else Member.objects.all()
    for name in ("card_number", "id_number"):
        if clean.get(name) and name not in errors:
            if others.filter(**{name: clean[name]}).exists():
                errors[name] = taken_message(label_of(Member, name))
    collect(errors)
    return clean


def taken_message(label: str) -> str:
    """The one refusal for a card or ID number another member holds: no number, no owner."""
    return f"{label}: đã được sử dụng."


def _derive_names(member: Member) -> None:
    member.search_name = fold(member.full_name)
    member.sort_key = name_sort_key(member.full_name)
    member.given_name, member.family_name, member.middle_name = name_parts(member.full_name)


def _check_cell(org: Organisation | None, on: date, field: str = "org") -> None:
    if org is None:
        raise invalid(field, "Chi bộ: bắt buộc.")
    # Lock and re-read: a caller's copy may predate a dissolution in another transaction.
    org.refresh_from_db(from_queryset=Organisation.objects.select_for_update())
    if org.valid_to is not None:
        raise invalid(field, f"Chi bộ: {org.name} đã kết thúc hoạt động ngày {fmt(org.valid_to)}.")
    if org.kind not in CELL_KINDS:
        raise invalid(
            field, f"Chi bộ: {org.name} không phải là chi bộ (đảng viên sinh hoạt ở chi bộ)."
        )
    if not org.is_active(on):
        raise invalid(field, f"Chi bộ: {org.name} không hoạt động vào ngày {fmt(on)}.")


def _event(member: Member, actor: Actor, kind: str, effective_date: date, **fields) -> MemberEvent:
    return MemberEvent.objects.create(
        member=member,
        kind=kind,
        effective_date=effective_date,
        status_after=member.status,
        recorded_by=actor if getattr(actor, "pk", None) else None,
        **fields,
    )


def _lock(member: Member) -> Member:
    return Member.objects.select_for_update().select_related("org").get(pk=member.pk)


def _require_active(member: Member) -> None:
    if member.status not in ACTIVE_STATUSES:
        raise invalid(
            "member",
            f"{member.full_name} không còn trong danh sách ({member.get_status_display()}).",
        )


def _open_membership(member: Member) -> Membership | None:
    return Membership.objects.filter(
        member=member, kind=MembershipKind.OFFICIAL, valid_to__isnull=True
    ).first()


def _close_official(member: Member, last_day: date) -> Membership | None:
    ms = _open_membership(member)
    if ms is None:
        return None
    if last_day < ms.valid_from:
        raise invalid(
            "effective_date",
            f"Ngày hiệu lực: phải sau ngày bắt đầu sinh hoạt tại chi bộ hiện tại "
            f"({fmt(ms.valid_from)}).",
        )
    ms.valid_to = last_day
    ms.save(update_fields=["valid_to"])
    return ms


def check_admission(
    data: dict,
    *,
    admission_decision_date=None,
    admission_ceremony_date=None,
    admission_vote_date=None,
    official_recognition_date=None,
) -> dict[str, str]:
    """Every problem an admission would be refused for, as field → message, without writing:
    a form that already failed on some inputs shows these beside its own errors, so every
    check comes in one pass instead of a second round after the first is fixed. Only the
    fields given are judged (a field the form refused is left out)."""
    dates = {
        "admission_decision_date": admission_decision_date,
        "admission_ceremony_date": admission_ceremony_date,
        "admission_vote_date": admission_vote_date,
        "official_recognition_date": official_recognition_date,
    }
    _profile, errors = _admission_problems(data, **dates, provincial_approval=False)
    given = set(data) | {name for name, value in dates.items() if value is not None}
    return {name: message for name, message in errors.items() if name in given}


def _admission_problems(
    data: dict,
    *,
    admission_decision_date,
    admission_ceremony_date,
    admission_vote_date,
    official_recognition_date,
    provincial_approval: bool,
) -> tuple[dict, dict[str, str]]:
    """(the cleaned record, every problem found) of an admission or an arrival."""
    errors: dict[str, str] = {}
    try:
        profile = _clean_profile({**data}, exclude_pk=None)
    except ValidationError as exc:
        profile = {}
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    for field in ("full_name", "gender", "date_of_birth"):
        if field not in data and field not in errors:
            errors[field] = {
                "full_name": "Họ và tên: bắt buộc.",
                "gender": "Giới tính: bắt buộc.",
                "date_of_birth": "Ngày sinh: bắt buộc.",
            }[field]
    day = today()
    if not isinstance(admission_decision_date, date):
        errors["admission_decision_date"] = "Ngày quyết định kết nạp: bắt buộc."
    elif admission_decision_date > day:
        errors["admission_decision_date"] = "Ngày quyết định kết nạp: không được sau hôm nay."
    if not isinstance(admission_ceremony_date, date):
        errors["admission_ceremony_date"] = "Ngày lễ kết nạp: bắt buộc."
    elif admission_ceremony_date > day:
        errors["admission_ceremony_date"] = "Ngày lễ kết nạp: không được sau hôm nay."
    elif (
        isinstance(admission_decision_date, date)
        and admission_ceremony_date < admission_decision_date
    ):
        errors["admission_ceremony_date"] = (
            "Ngày lễ kết nạp: không được trước ngày quyết định kết nạp."
        )
    dob = profile.get("date_of_birth")
    vote = admission_vote_date or admission_decision_date
    if admission_vote_date is not None and not isinstance(admission_vote_date, date):
        errors["admission_vote_date"] = "Ngày chi bộ xét kết nạp: không hợp lệ."
    elif admission_vote_date and isinstance(admission_decision_date, date):
        if admission_vote_date > admission_decision_date:
            errors["admission_vote_date"] = (
                "Ngày chi bộ xét kết nạp: không được sau ngày quyết định kết nạp."
            )
    if dob and isinstance(vote, date) and "admission_decision_date" not in errors:
        problem = rules.admission_age_error(dob, vote, has_provincial_approval=provincial_approval)
        if problem:
            errors["date_of_birth"] = f"Ngày sinh: {problem}"
    if official_recognition_date is not None and not isinstance(official_recognition_date, date):
        errors["official_recognition_date"] = "Ngày công nhận chính thức: không hợp lệ."
    elif official_recognition_date is not None and "admission_ceremony_date" not in errors:
        if official_recognition_date > day:
            errors["official_recognition_date"] = (
                "Ngày công nhận chính thức: không được sau hôm nay."
            )
        else:
            problem = rules.recognition_error(admission_ceremony_date, official_recognition_date)
            if problem:
                errors["official_recognition_date"] = problem
    return profile, errors


@transaction.atomic
def register_member(
    *,
    actor: Actor,
    org: Organisation,
    data: dict,
    admission_decision_date: date,
    admission_ceremony_date: date,
    admission_vote_date: date | None = None,
    official_recognition_date: date | None = None,
    membership_from: date | None = None,
    provincial_approval_doc=None,
    event_kind: str = EventKind.ADMITTED,
    note: str = "",
    decision_ref: str = "",
) -> Member:
    """Admit a new member, or enter one who arrives from outside the registry."""
    _check_sensitive_write(actor, org, data, clearing_counts=False)
    profile, errors = _admission_problems(
        data,
        admission_decision_date=admission_decision_date,
        admission_ceremony_date=admission_ceremony_date,
        admission_vote_date=admission_vote_date,
        official_recognition_date=official_recognition_date,
        provincial_approval=provincial_approval_doc is not None,
    )
    collect(errors)
    note = clean_text(
        note, "Ghi chú", max_length=max_length_of(MemberEvent, "note"), required=False, field="note"
    )
    decision_ref = clean_text(
        decision_ref,
        "Số quyết định",
        max_length=max_length_of(MemberEvent, "decision_ref"),
        required=False,
        field="decision_ref",
    )
    start = membership_from or admission_decision_date
    _check_cell(org, start)
    if start < admission_decision_date:
        raise invalid("effective_date", "Ngày bắt đầu sinh hoạt: trước ngày kết nạp.")
    member = Member(
        **profile,
        org=org,
        admission_org=org if event_kind == EventKind.ADMITTED else None,
        admission_vote_date=admission_vote_date,
        admission_decision_date=admission_decision_date,
        admission_ceremony_date=admission_ceremony_date,
        official_recognition_date=official_recognition_date,
        provincial_approval_doc=provincial_approval_doc,
        status=Status.OFFICIAL if official_recognition_date else Status.PROBATIONARY,
    )
    _derive_names(member)
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as exc:  # a concurrent duplicate slipped past the check
        raise invalid("card_number", taken_message("Số thẻ hoặc số CCCD")) from exc
    Membership.objects.create(
        member=member, org=org, kind=MembershipKind.OFFICIAL, valid_from=start
    )
    event_date = admission_decision_date if event_kind == EventKind.ADMITTED else start
    _event(
        member,
        actor,
        event_kind,
        event_date,
        to_org=org,
        note=note,
        decision_ref=decision_ref,
        data={"ceremony_date": admission_ceremony_date.isoformat()},
    )
    audit.record(
        actor=actor,
        action=KIND_AUDIT[event_kind],
        obj=member,
        summary=f"{member.full_name} — {EventKind(event_kind).label} tại {org.name}",
        after=_audit_view(audit.snapshot(member, _SNAPSHOT)),
    )
    return member


def admit_member(
    *, actor: Actor, org, data, admission_decision_date, admission_ceremony_date, **kw
):
    return register_member(
        actor=actor,
        org=org,
        data=data,
        admission_decision_date=admission_decision_date,
        admission_ceremony_date=admission_ceremony_date,
        event_kind=EventKind.ADMITTED,
        **kw,
    )


def check_record(member: Member, data: dict) -> dict[str, str]:
    """Every problem an edit of ``member``'s record with ``data`` would be refused for, as
    field → message, without writing (the edit form's second opinion when some of its
    inputs already failed: every check in one pass)."""
    _clean, problems = _record_problems(member, data)
    return {name: message for name, message in problems.errors.items() if name in data}


def _record_problems(member: Member, data: dict) -> tuple[dict, Problems]:
    """(the cleaned fields, every problem): the age at admission is judged with the rest."""
    problems = Problems()
    clean: dict = {}
    with problems.check():
        clean = _clean_profile(data, exclude_pk=member.pk)
    dob = data.get("date_of_birth")
    if "date_of_birth" not in problems and isinstance(dob, date) and dob != member.date_of_birth:
        problem = rules.admission_age_error(
            dob,
            member.admission_vote_date or member.admission_decision_date,
            has_provincial_approval=member.provincial_approval_doc_id is not None,
        )
        if problem:
            problems.errors["date_of_birth"] = f"Ngày sinh: {problem}"
    return clean, problems


@transaction.atomic
def update_member(*, actor: Actor, member: Member, data: dict) -> Member:
    member = _lock(member)
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise invalid(sorted(unknown)[0], "Trường này không sửa được ở đây.")
    _check_sensitive_write(actor, member.org, data, clearing_counts=True)
    clean, problems = _record_problems(member, data)
    problems.raise_all()
    changed = {k: v for k, v in clean.items() if getattr(member, k) != v}
    if not changed:
        return member
    before = _audit_view({k: getattr(member, k) for k in changed})
    # The sensitive values themselves go into the entry encrypted, so a change can be undone
    # by one allowed to see them (issue 11.4); the public before/after keep "***".
    sealed = {k: [getattr(member, k), v] for k, v in changed.items() if k in SENSITIVE_FIELDS}
    for key, value in changed.items():
        setattr(member, key, value)
    _derive_names(member)
    member.save()
    _event(
        member,
        actor,
        EventKind.UPDATED,
        today(),
        data={"fields": sorted(changed)},
    )
    audit.record(
        actor=actor,
        action=MemberAudit.UPDATED,
        obj=member,
        summary=f"Cập nhật hồ sơ {member.full_name}: {', '.join(_loggable_fields(changed))}",
        before=before,
        after=_audit_view({k: getattr(member, k) for k in changed}),
        sealed=sealed or None,
    )
    return member


@transaction.atomic
def recognise_official(
    *, actor: Actor, member: Member, recognition_date: date, decision_ref: str = ""
) -> Member:
    """Recognise a probationary member as official; for an official member whose recognition
    date is not known (``recognition_unknown``, an imported roll), record the date: the
    same checks (not in the future, twelve months after the ceremony), the flag cleared."""
    member = _lock(member)
    completing = member.status == Status.OFFICIAL and member.recognition_unknown
    if member.status != Status.PROBATIONARY and not completing:
        if member.status == Status.OFFICIAL:
            raise invalid(
                "member",
                f"{member.full_name} đã là đảng viên chính thức "
                f"(công nhận ngày {fmt(member.official_recognition_date)}).",
            )
        raise invalid("member", f"{member.full_name} không phải đảng viên dự bị.")
    not_in_future(recognition_date, "recognition_date", "Ngày công nhận chính thức")
    decision_ref = clean_text(
        decision_ref,
        "Số quyết định",
        max_length=max_length_of(MemberEvent, "decision_ref"),
        required=False,
        field="decision_ref",
    )
    problem = rules.recognition_error(member.admission_ceremony_date, recognition_date)
    if problem:
        raise invalid("recognition_date", problem)
    before = audit.snapshot(member, _SNAPSHOT)
    member.official_recognition_date = recognition_date
    member.status = Status.OFFICIAL
    member.recognition_unknown = False
    member.save(
        update_fields=["official_recognition_date", "status", "recognition_unknown", "updated_at"]
    )
    _event(
        member,
        actor,
        EventKind.RECOGNISED,
        recognition_date,
        decision_ref=decision_ref,
        note=COMPLETED_NOTE if completing else "",
        data={"completed": True} if completing else {},
    )
    if completing:
        summary = (
            f"Bổ sung ngày công nhận chính thức của {member.full_name}: {fmt(recognition_date)}"
        )
    else:
        summary = f"Công nhận {member.full_name} là đảng viên chính thức từ {fmt(recognition_date)}"
    audit.record(
        actor=actor,
        action=MemberAudit.RECOGNISED,
        obj=member,
        summary=summary,
        before=before,
        after=audit.snapshot(member, _SNAPSHOT),
    )
    return member


COMPLETED_NOTE = "Bổ sung ngày công nhận chính thức (trước đây chưa rõ)"


@transaction.atomic
def complete_recognition(
    *, actor: Actor, member: Member, recognition_date: date, decision_ref: str = ""
) -> Member:
    """Record the recognition date of an official member for whom it was not known (an
    imported roll): ``recognise_official``'s checks, refused for any other member."""
    locked = _lock(member)
    if not (locked.status == Status.OFFICIAL and locked.recognition_unknown):
        raise invalid(
            "recognition_date",
            f"Ngày công nhận chính thức: {locked.full_name} không thiếu ngày công nhận "
            "chính thức để bổ sung.",
        )
    return recognise_official(
        actor=actor, member=locked, recognition_date=recognition_date, decision_ref=decision_ref
    )


@transaction.atomic
def transfer_member(
    *,
    actor: Actor,
    member: Member,
    to_org: Organisation,
    effective_date: date,
    letter_no: str = "",
    note: str = "",
) -> Member:
    """Official transfer between two cells of the registry."""
    member = _lock(member)
    _require_active(member)
    not_in_future(effective_date, "effective_date", "Ngày chuyển")
    if to_org is None:
        raise invalid("to_org", "Chi bộ chuyển đến: bắt buộc.")
    if to_org.pk == member.org_id:
        raise invalid("to_org", "Chi bộ chuyển đến: trùng với chi bộ hiện tại.")
    _check_cell(to_org, effective_date, field="to_org")
    if Membership.objects.filter(
        member=member, org=to_org, kind=MembershipKind.TEMPORARY, valid_to__isnull=True
    ).exists():
        raise invalid(
            "to_org",
            f"Chi bộ chuyển đến: {member.full_name} đang sinh hoạt tạm thời tại {to_org.name}; "
            "kết thúc sinh hoạt tạm thời trước.",
        )
    note = clean_text(
        note, "Ghi chú", max_length=max_length_of(MemberEvent, "note"), required=False, field="note"
    )
    letter_no = clean_text(
        letter_no, "Số giấy giới thiệu", max_length=100, required=False, field="letter_no"
    )
    before = audit.snapshot(member, _SNAPSHOT)
    from_org = member.org
    _close_official(member, effective_date - timedelta(days=1))
    Membership.objects.create(
        member=member, org=to_org, kind=MembershipKind.OFFICIAL, valid_from=effective_date
    )
    member.org = to_org
    member.save(update_fields=["org", "updated_at"])
    _event(
        member,
        actor,
        EventKind.TRANSFERRED,
        effective_date,
        from_org=from_org,
        to_org=to_org,
        decision_ref=letter_no[:100],
        note=note,
    )
    audit.record(
        actor=actor,
        action=MemberAudit.TRANSFERRED,
        obj=member,
        scope_org=from_org,  # the sending side's auditors; the receiving side has the member
        summary=f"Chuyển sinh hoạt {member.full_name}: {from_org.name} → {to_org.name}",
        before=before,
        after=audit.snapshot(member, _SNAPSHOT),
    )
    return member


def transfer_in(*, actor: Actor, org, data, effective_date, **kw) -> Member:
    """A member arriving from outside the registry (another province, the armed forces…)."""
    not_in_future(effective_date, "effective_date", "Ngày tiếp nhận")
    decided = kw.get("admission_decision_date")
    if isinstance(decided, date) and isinstance(effective_date, date) and effective_date < decided:
        raise invalid("effective_date", "Ngày tiếp nhận: không được trước ngày quyết định kết nạp.")
    return register_member(
        actor=actor,
        org=org,
        data=data,
        membership_from=effective_date,
        event_kind=EventKind.TRANSFERRED_IN,
        **kw,
    )


_EXITS: dict[str, tuple[str, str]] = {
    EventKind.TRANSFERRED_OUT: (Status.LEFT, "Ngày chuyển đi"),
    EventKind.STRUCK_OFF: (Status.STRUCK_OFF, "Ngày xóa tên"),
    EventKind.EXPELLED: (Status.EXPELLED, "Ngày khai trừ"),
    EventKind.RESIGNED: (Status.RESIGNED, "Ngày ra khỏi Đảng"),
    EventKind.DECEASED: (Status.DECEASED, "Ngày mất"),
}


@transaction.atomic
def end_membership(
    *,
    actor: Actor,
    member: Member,
    kind: str,
    effective_date: date,
    decision_ref: str = "",
    note: str = "",
) -> Member:
    """Leave the roll: transferred out, struck off, expelled, resigned or deceased."""
    if kind not in _EXITS:
        raise invalid("kind", "Loại sự kiện: không hợp lệ.")
    status, label = _EXITS[kind]
    member = _lock(member)
    _require_active(member)
    not_in_future(effective_date, "effective_date", label)
    if effective_date < member.admission_decision_date:
        raise invalid("effective_date", f"{label}: trước ngày kết nạp.")
    if kind == EventKind.EXPELLED and member.status != Status.OFFICIAL:
        raise invalid(
            "kind",
            "Khai trừ chỉ áp dụng với đảng viên chính thức; đảng viên dự bị không đủ tư cách "
            "thì xóa tên.",
        )
    decision_ref = clean_text(
        decision_ref,
        "Số quyết định",
        max_length=max_length_of(MemberEvent, "decision_ref"),
        required=False,
        field="decision_ref",
    )
    note = clean_text(
        note, "Ghi chú", max_length=max_length_of(MemberEvent, "note"), required=False, field="note"
    )
    for started, what in (
        *(
            (ms.valid_from, f"sinh hoạt tạm thời tại {ms.org.name}")
            for ms in Membership.objects.filter(
                member=member, kind=MembershipKind.TEMPORARY, valid_to__isnull=True
            ).select_related("org")
        ),
        *(
            (ex.valid_from, "miễn công tác và sinh hoạt")
            for ex in Exemption.objects.filter(member=member, valid_to__isnull=True)
        ),
    ):
        if effective_date < started:
            raise invalid(
                "effective_date",
                f"{label}: trước ngày bắt đầu {what} ({fmt(started)}); kết thúc việc đó trước.",
            )
    before = audit.snapshot(member, _SNAPSHOT)
    _close_official(member, effective_date)
    Membership.objects.filter(
        member=member, kind=MembershipKind.TEMPORARY, valid_to__isnull=True
    ).update(valid_to=effective_date)
    Exemption.objects.filter(member=member, valid_to__isnull=True).update(valid_to=effective_date)
    member.status = status
    member.exit_date = effective_date
    member.save(update_fields=["status", "exit_date", "updated_at"])
    _event(
        member,
        actor,
        kind,
        effective_date,
        from_org=member.org,
        decision_ref=decision_ref,
        note=note,
    )
    audit.record(
        actor=actor,
        action=KIND_AUDIT[kind],
        obj=member,
        summary=f"{member.full_name} — {EventKind(kind).label} ngày {fmt(effective_date)}",
        before=before,
        after=audit.snapshot(member, _SNAPSHOT),
    )
    return member


@transaction.atomic
def temporary_transfer(
    *,
    actor: Actor,
    member: Member,
    to_org: Organisation,
    start: date,
    planned_end: date,
    reason: str,
    extended: bool = False,
) -> Membership:
    member = _lock(member)
    _require_active(member)
    if reason not in TemporaryReason.values:
        raise invalid("reason", "Lý do: chọn thay đổi nơi cư trú, nơi làm việc hoặc đi học.")
    not_in_future(start, "start", "Ngày bắt đầu")
    if start is None or planned_end is None:
        raise invalid("planned_end", "Ngày kết thúc dự kiến: bắt buộc.")
    problem = rules.temporary_duration_error(reason, start, planned_end)
    if problem and not (extended and planned_end > start):
        raise invalid("planned_end", problem)
    if to_org is None or to_org.pk == member.org_id:
        raise invalid("to_org", "Chi bộ sinh hoạt tạm thời: phải khác chi bộ chính thức.")
    _check_cell(to_org, start, field="to_org")
    if Membership.objects.filter(
        member=member, kind=MembershipKind.TEMPORARY, valid_to__isnull=True
    ).exists():
        raise invalid("to_org", "Đảng viên đang sinh hoạt tạm thời ở nơi khác.")
    if Membership.objects.filter(
        member=member,
        kind=MembershipKind.TEMPORARY,
        valid_to__gte=start,
        valid_from__lte=planned_end,
    ).exists():
        raise invalid("start", "Ngày bắt đầu: trùng với một đợt sinh hoạt tạm thời trước đó.")
    ms = Membership.objects.create(
        member=member,
        org=to_org,
        kind=MembershipKind.TEMPORARY,
        valid_from=start,
        planned_end=planned_end,
        reason=reason,
    )
    _event(
        member,
        actor,
        EventKind.TEMPORARY_OUT,
        start,
        from_org=member.org,
        to_org=to_org,
        data={"planned_end": planned_end.isoformat(), "reason": reason},
    )
    audit.record(
        actor=actor,
        action=MemberAudit.TEMPORARY_OUT,
        obj=member,
        summary=f"{member.full_name} sinh hoạt tạm thời tại {to_org.name} đến {fmt(planned_end)}",
    )
    return ms


@transaction.atomic
def end_temporary_transfer(*, actor: Actor, member: Member, end_date: date) -> Membership:
    member = _lock(member)
    ms = Membership.objects.filter(
        member=member, kind=MembershipKind.TEMPORARY, valid_to__isnull=True
    ).first()
    if ms is None:
        raise invalid("member", f"{member.full_name} không sinh hoạt tạm thời ở đâu.")
    not_in_future(end_date, "end_date", "Ngày kết thúc")
    if end_date < ms.valid_from:
        raise invalid("end_date", "Ngày kết thúc: trước ngày bắt đầu sinh hoạt tạm thời.")
    ms.valid_to = end_date
    ms.save(update_fields=["valid_to"])
    _event(member, actor, EventKind.TEMPORARY_RETURN, end_date, from_org=ms.org)
    audit.record(
        actor=actor,
        action=MemberAudit.TEMPORARY_RETURN,
        obj=member,
        summary=f"{member.full_name} kết thúc sinh hoạt tạm thời ngày {fmt(end_date)}",
    )
    return ms


@transaction.atomic
def exempt_member(
    *, actor: Actor, member: Member, category: str, start: date, resolution_ref: str = ""
) -> Exemption:
    member = _lock(member)
    _require_active(member)
    if category not in ExemptionCategory.values:
        raise invalid("category", "Lý do miễn: không hợp lệ.")
    not_in_future(start, "start", "Ngày bắt đầu miễn")
    if start < member.admission_decision_date:
        raise invalid("start", "Ngày bắt đầu miễn: trước ngày kết nạp.")
    if Exemption.objects.filter(member=member, valid_to__isnull=True).exists():
        raise invalid("category", f"{member.full_name} đang được miễn công tác và sinh hoạt.")
    resolution_ref = clean_text(
        resolution_ref,
        "Nghị quyết chi bộ",
        max_length=max_length_of(Exemption, "resolution_ref"),
        required=False,
        field="resolution_ref",
    )
    exemption = Exemption.objects.create(
        member=member, category=category, valid_from=start, resolution_ref=resolution_ref
    )
    _event(
        member,
        actor,
        EventKind.EXEMPTED,
        start,
        decision_ref=resolution_ref,
        data={"category": category},
    )
    audit.record(
        actor=actor,
        action=MemberAudit.EXEMPTED,
        obj=member,
        summary=f"Miễn công tác và sinh hoạt đảng cho {member.full_name} từ {fmt(start)}",
    )
    return exemption


@transaction.atomic
def end_exemption(*, actor: Actor, member: Member, end_date: date) -> Exemption:
    member = _lock(member)
    exemption = Exemption.objects.filter(member=member, valid_to__isnull=True).first()
    if exemption is None:
        raise invalid("member", f"{member.full_name} không đang được miễn sinh hoạt.")
    not_in_future(end_date, "end_date", "Ngày trở lại sinh hoạt")
    if end_date < exemption.valid_from:
        raise invalid("end_date", "Ngày trở lại sinh hoạt: trước ngày bắt đầu miễn.")
    exemption.valid_to = end_date
    exemption.save(update_fields=["valid_to"])
    _event(member, actor, EventKind.EXEMPTION_ENDED, end_date)
    audit.record(
        actor=actor,
        action=MemberAudit.EXEMPTION_ENDED,
        obj=member,
        summary=f"{member.full_name} trở lại sinh hoạt từ {fmt(end_date)}",
    )
    return exemption


def _interruptions(member: Member) -> list[tuple[date, date]]:
    return list(member.interruptions.values_list("interrupted_from", "interrupted_to"))


@transaction.atomic
def record_interruption(
    *, actor: Actor, member: Member, start: date, end: date, reason: str, fee_backpaid: bool = False
) -> PartyAgeInterruption:
    member = _lock(member)
    reason = clean_text(
        reason, "Lý do", max_length=max_length_of(PartyAgeInterruption, "reason"), field="reason"
    )
    if start is None or end is None or end < start:
        raise invalid("end", "Đến ngày: phải từ ngày bắt đầu trở đi.")
    not_in_future(end, "end", "Đến ngày")
    if start < member.admission_decision_date:
        raise invalid("start", "Từ ngày: trước ngày kết nạp.")
    for a, b in _interruptions(member):
        if start <= b and a <= end:
            raise invalid("start", f"Từ ngày: trùng với thời gian gián đoạn {fmt(a)}–{fmt(b)}.")
    item = PartyAgeInterruption.objects.create(
        member=member,
        interrupted_from=start,
        interrupted_to=end,
        reason=reason,
        fee_backpaid=fee_backpaid,
    )
    _event(
        member,
        actor,
        EventKind.INTERRUPTION,
        start,
        note=reason,
        data={"end": end.isoformat()},
    )
    audit.record(
        actor=actor,
        action=MemberAudit.INTERRUPTION,
        obj=member,
        summary=f"Gián đoạn sinh hoạt {fmt(start)}–{fmt(end)} của {member.full_name}",
    )
    return item


@transaction.atomic
def award_badge(
    *,
    actor: Actor,
    member: Member,
    milestone: int,
    award_date: date,
    badge_number: str = "",
    document=None,
) -> BadgeAward:
    member = _lock(member)
    # Members who left the registry are honoured where they now belong; posthumous awards
    # are for the milestone the member had reached (or could receive early) in life.
    excluded = member.status in (*NO_BADGE_STATUSES, Status.LEFT)
    deceased = member.status == Status.DECEASED
    if member.official_recognition_date is None and not member.recognition_unknown:
        raise invalid("milestone", "Chỉ đảng viên đã được công nhận chính thức mới có tuổi Đảng.")
    if award_date is None:
        raise invalid("award_date", "Đợt trao: bắt buộc.")
    if award_date > today() + timedelta(days=366):
        raise invalid("award_date", "Đợt trao: quá xa trong tương lai.")
    exit_date = member.exit_date or award_date  # a deceased member always has one
    posthumous = deceased and award_date > exit_date
    problem = rules.badge_award_error(
        member.admission_decision_date,
        _interruptions(member),
        milestone=milestone,
        award_date=min(award_date, exit_date) if deceased else award_date,
        # Health counts only for someone allowed to know it: otherwise success or failure
        # of an early award would reveal it.
        severe_illness=member.severe_illness
        and (actor is None or scope.can_view_sensitive(actor, member)),
        awarded=member.badges.values_list("milestone", flat=True),
        excluded_status=excluded,
    )
    if problem:
        raise invalid("milestone", problem)
    reached = rules.add_years(
        rules.party_age_start(member.admission_decision_date, _interruptions(member)), milestone
    )
    badge_number = clean_text(
        badge_number,
        "Số huy hiệu",
        max_length=max_length_of(BadgeAward, "badge_number"),
        required=False,
        field="badge_number",
    )
    badge = BadgeAward.objects.create(
        member=member,
        milestone=milestone,
        award_date=award_date,
        early=reached > award_date,
        posthumous=posthumous,
        badge_number=badge_number,
        document=document,
    )
    _event(
        member,
        actor,
        EventKind.BADGE,
        award_date,
        data={"milestone": milestone, "early": badge.early, "posthumous": posthumous},
    )
    audit.record(
        actor=actor,
        action=MemberAudit.BADGE,
        obj=member,
        summary=f"{'Truy tặng' if posthumous else 'Tặng'} Huy hiệu {milestone} năm tuổi Đảng "
        f"cho {member.full_name}",
    )
    return badge
