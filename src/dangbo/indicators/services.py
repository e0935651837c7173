"""Every change to indicators: defining one, setting a target, recording observed values.
One function per operation, one transaction, keyword-only ``actor``, validation first (all
problems at once, nothing written), an audit entry per change.

Values are audited one entry per changed value, with its before and after, scoped to the
value's organisation: a commune's auditors see their own corrections and no one else's, and
each correction can be traced (and undone) on its own. A batch that changes nothing writes
nothing to the log.

Scope: recording a value or a target needs CHANGE on its organisation (a commune's staff
enter their own commune's values); callers resolve the organisation with
``scope.get_or_404`` first so that an organisation out of scope is a 404, and the service
refuses it again (naming the field) for callers that did not (imports, scripts).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from dangbo.core import audit, scope
from dangbo.core import services as core_services
from dangbo.core.dates import today
from dangbo.core.errors import Problems, invalid
from dangbo.core.text import clean_paragraphs, clean_text
from dangbo.core.types import Actor
from dangbo.orgs.models import Organisation

from . import rules
from .choices import Aggregation, Direction, IndicatorAudit, ValueType
from .models import Indicator, Observation, Target

FIRST_YEAR = 1990
TARGET_YEARS_AHEAD = 10
STORE = Decimal("0.0001")  # the models' four decimal places
MAX_ABS = Decimal("1e13")  # max_digits 18, decimal_places 4
CODE_RE = re.compile(r"[a-z0-9]+(?:[_-][a-z0-9]+)*")

Row = tuple[Indicator, Organisation, int, Any]


def _actor(actor: Actor) -> Actor:
    return actor if actor is not None and actor.pk else None


def _check_scope(actor: Actor, org: Organisation, field: str = "org") -> None:
    """System callers (None) may write anywhere; a person only inside their CHANGE scope."""
    if actor is None:
        return
    if not scope.covers(actor, scope.CHANGE, org):
        raise invalid(field, f"Đơn vị: không có quyền nhập số liệu cho {org.name}.")


def _check_year(year: Any, *, ahead: int = 0, field: str = "year") -> int:
    last = today().year + ahead
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= last:
        raise invalid(field, f"Năm: từ {FIRST_YEAR} đến {last}.")
    return year


def _stored(value: Decimal) -> Decimal:
    if abs(value) >= MAX_ABS:
        raise ValueError("quá lớn")
    return value.quantize(STORE)


def _s(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def _read(indicator: Indicator, raw: Any) -> Decimal:
    """``raw`` as a stored value of ``indicator``; ValueError without the label."""
    return _stored(rules.parse_value(indicator, raw))


# ------------------------------------------------------------------ definitions


def _optional_number(raw: Any, field: str, label: str) -> Decimal | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        return _stored(rules.parse_number(raw))
    except ValueError as exc:
        raise invalid(field, f"{label}: {exc}.") from None


@transaction.atomic
def define_indicator(
    *,
    actor: Actor,
    code: str,
    name: str,
    unit: str,
    value_type: str = ValueType.NUMBER,
    direction: str = Direction.UP,
    aggregation: str = Aggregation.SUM,
    threshold: Any = None,
    min_value: Any = None,
    max_value: Any = None,
    decimals: int = 0,
    computed: str = "",
    document: core_services.Document = None,
    description: str = "",
    position: int = 0,
) -> Indicator:
    """A new indicator: what it measures, in what unit, which way is good, how the values of
    the units below add up to their parent's, and the document that defines it."""
    from .computed import SOURCES  # computed sources read other apps; only needed here

    problems = Problems()
    code = str(code or "").strip().lower()
    with problems.check():
        if not CODE_RE.fullmatch(code) or len(code) > 64:
            raise invalid(
                "code", "Mã chỉ tiêu: chữ thường không dấu, số, dấu gạch dưới (tối đa 64)."
            )
        if Indicator.objects.filter(code=code).exists():
            raise invalid("code", f"Mã chỉ tiêu: đã có chỉ tiêu “{code}”.")
    with problems.check():
        name = clean_text(name, "Tên chỉ tiêu", max_length=300, field="name")
    with problems.check():
        unit = clean_text(unit, "Đơn vị tính", max_length=40, field="unit")
    with problems.check():
        if value_type not in ValueType.values:
            raise invalid("value_type", "Kiểu giá trị: số, tỷ lệ phần trăm hoặc đạt/không đạt.")
    with problems.check():
        if direction not in Direction.values:
            raise invalid("direction", "Chiều tốt: càng cao càng tốt hoặc càng thấp càng tốt.")
    with problems.check():
        if aggregation not in Aggregation.values:
            raise invalid("aggregation", "Cách cộng dồn: không hợp lệ.")
    bounds: dict[str, Decimal | None] = {"threshold": None, "min_value": None, "max_value": None}
    labels = {
        "threshold": "Ngưỡng đạt",
        "min_value": "Giá trị nhỏ nhất",
        "max_value": "Giá trị lớn nhất",
    }
    for key, raw in (("threshold", threshold), ("min_value", min_value), ("max_value", max_value)):
        with problems.check():
            bounds[key] = _optional_number(raw, key, labels[key])
    low, high = bounds["min_value"], bounds["max_value"]
    with problems.check():
        if low is not None and high is not None and high < low:
            raise invalid("max_value", "Giá trị lớn nhất: nhỏ hơn giá trị nhỏ nhất.")
    with problems.check():
        if value_type == ValueType.PERCENT and (
            (low is not None and low < 0) or (high is not None and high > 100)
        ):
            raise invalid("max_value", "Giá trị lớn nhất: tỷ lệ phần trăm không quá 100.")
    with problems.check():
        if value_type == ValueType.BOOLEAN and aggregation in (Aggregation.SUM, Aggregation.MEAN):
            raise invalid(
                "aggregation",
                "Cách cộng dồn: chỉ tiêu đạt/không đạt cộng dồn theo tỷ lệ hoặc số đơn vị đạt.",
            )
    with problems.check():
        if isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= 4:
            raise invalid("decimals", "Số chữ số thập phân: từ 0 đến 4.")
    computed = str(computed or "").strip()
    with problems.check():
        if computed and computed not in SOURCES:
            raise invalid("computed", f"Cách tính tự động: một trong {', '.join(sorted(SOURCES))}.")
    with problems.check():
        description = clean_paragraphs(
            description, "Mô tả", max_length=5000, required=False, field="description"
        )
    problems.raise_all()
    registered = core_services.resolve_document(actor=actor, document=document)
    indicator = Indicator.objects.create(
        code=code,
        name=name,
        unit=unit,
        value_type=value_type,
        direction=direction,
        aggregation=aggregation,
        threshold=bounds["threshold"],
        min_value=low,
        max_value=high,
        decimals=decimals,
        computed=computed,
        document=registered,
        description=description,
        position=position if isinstance(position, int) and position >= 0 else 0,
    )
    audit.record(
        actor=actor,
        action=IndicatorAudit.DEFINED,
        obj=indicator,
        summary=f"Khai báo chỉ tiêu “{name}” ({code}, {unit})"
        + (f" theo {registered}" if registered else ""),
        after={
            "code": code,
            "unit": unit,
            "value_type": value_type,
            "direction": direction,
            "aggregation": aggregation,
            "computed": computed,
        },
    )
    return indicator


# ------------------------------------------------------------------ targets


@transaction.atomic
def set_target(
    *,
    actor: Actor,
    indicator: Indicator,
    org: Organisation,
    year: int,
    value: Any,
    document: core_services.Document = None,
) -> Target:
    """The target of ``indicator`` for ``org`` in ``year`` (set again: corrected, audited
    with the value before)."""
    problems = Problems()
    with problems.check():
        _check_scope(actor, org)
    with problems.check():
        _check_year(year, ahead=TARGET_YEARS_AHEAD)
    parsed = Decimal(0)
    with problems.check():
        try:
            parsed = _read(indicator, value)
        except ValueError as exc:
            raise invalid("value", f"Chỉ tiêu giao ({indicator.name}): {exc}.") from None
    problems.raise_all()
    registered = core_services.resolve_document(actor=actor, document=document)
    target = Target.objects.select_for_update().filter(indicator=indicator, org=org, year=year)
    existing = target.first()
    before = _s(existing.value) if existing else None
    if existing is not None and existing.value == parsed and existing.document == registered:
        return existing
    if existing is None:
        existing = Target.objects.create(
            indicator=indicator,
            org=org,
            year=year,
            value=parsed,
            document=registered,
            set_by=_actor(actor),
        )
    else:
        existing.value, existing.document = parsed, registered
        existing.set_by, existing.set_at = _actor(actor), timezone.now()
        existing.save(update_fields=["value", "document", "set_by", "set_at"])
    audit.record(
        actor=actor,
        action=IndicatorAudit.TARGET_SET,
        obj=existing,
        object_type="indicators.target",
        scope_org=org,
        summary=f"Giao chỉ tiêu “{indicator.name}” năm {year} cho {org.name}: "
        f"{rules.fmt_value(parsed, indicator.decimals)} {indicator.unit}",
        before={"value": before} if before is not None else None,
        after={"value": _s(parsed)},
    )
    return existing


# ------------------------------------------------------------------ values


def record_value(
    *,
    actor: Actor,
    indicator: Indicator,
    org: Organisation,
    year: int,
    value: Any,
    source: str = "",
) -> Observation:
    """The value of ``indicator`` for ``org`` in ``year`` (entered again: corrected)."""
    record_values(actor=actor, rows=[(indicator, org, year, value)], source=source)
    return Observation.objects.get(indicator=indicator, org=org, year=year)


@transaction.atomic
def record_values(*, actor: Actor, rows: Iterable[Row], source: str = "") -> dict[str, int]:
    """Several values in one transaction (a form of one unit's year, an imported sheet):
    all checked first, every problem reported at once keyed by the indicator's code (the
    field of the entry form), nothing written if any; then new values created, changed
    ones updated, equal ones left alone. Returns the counts ``new``, ``updated``,
    ``unchanged``."""
    rows = list(rows)
    problems = Problems()
    with problems.check():
        source = clean_text(source, "Nguồn số liệu", max_length=300, required=False, field="source")
    parsed: dict[tuple[int, int, int], tuple[Indicator, Organisation, int, Decimal]] = {}
    checked_orgs: set[int] = set()
    for indicator, org, year, raw in rows:
        field = indicator.code
        where = f"{indicator.name} ({org.name}, {year})"
        with problems.check():
            if org.pk not in checked_orgs:
                _check_scope(actor, org)
                checked_orgs.add(org.pk)
        with problems.check():
            if indicator.computed:
                raise invalid(field, f"{where}: chỉ tiêu tính tự động, không nhập tay.")
            _check_year(year, field=field)
            try:
                value = _read(indicator, raw)
            except ValueError as exc:
                raise invalid(field, f"{where}: {exc}.") from None
            key = (indicator.pk, org.pk, year)
            if key in parsed and parsed[key][3] != value:
                raise invalid(field, f"{where}: có hai giá trị khác nhau.")
            parsed[key] = (indicator, org, year, value)
    problems.raise_all()
    counts = {"new": 0, "updated": 0, "unchanged": 0}
    if not parsed:
        return counts
    existing = {
        (o.indicator_id, o.org_id, o.year): o
        for o in Observation.objects.select_for_update().filter(
            indicator_id__in={k[0] for k in parsed},
            org_id__in={k[1] for k in parsed},
            year__in={k[2] for k in parsed},
        )
    }
    now, who = timezone.now(), _actor(actor)
    created: list[Observation] = []
    changed: list[tuple[Observation, Decimal | None]] = []
    for key, (indicator, org, year, value) in parsed.items():
        obs = existing.get(key)
        if obs is None:
            obs = Observation(
                indicator=indicator,
                org=org,
                year=year,
                value=value,
                source=source,
                entered_by=who,
                entered_at=now,
            )
            created.append(obs)
            changed.append((obs, None))
        elif obs.value != value or (source and obs.source != source):
            old = obs.value
            obs.value, obs.entered_by, obs.entered_at = value, who, now
            if source:
                obs.source = source
            obs.indicator, obs.org = indicator, org
            changed.append((obs, old))
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    Observation.objects.bulk_create(created)
    counts["new"] = len(created)
    updated = [o for o, before in changed if before is not None]
    if updated:
        Observation.objects.bulk_update(
            updated, ["value", "source", "entered_by", "entered_at"], batch_size=500
        )
    for obs, before in changed:
        ind = obs.indicator
        text = rules.fmt_value(obs.value, ind.decimals)
        audit.record(
            actor=actor,
            action=IndicatorAudit.VALUE_RECORDED,
            object_type="indicators.observation",
            object_id=obs.pk or "",
            scope_org=obs.org,
            summary=f"{ind.name} năm {obs.year} của {obs.org.name}: "
            + (f"{rules.fmt_value(before, ind.decimals)} → " if before is not None else "")
            + f"{text} {ind.unit}"
            + (f" (nguồn: {obs.source})" if obs.source else ""),
            before={"value": _s(before)} if before is not None else None,
            after={"value": _s(obs.value), "source": obs.source},
        )
    return counts


@transaction.atomic
def set_targets(
    *,
    actor: Actor,
    org: Organisation,
    year: int,
    values: Iterable[tuple[Indicator, Any]],
    document: core_services.Document = None,
) -> int:
    """Several targets of one organisation and year (the targets form, the API): every
    problem reported at once keyed by the indicator's code, nothing written if any. Returns
    how many were set or changed."""
    problems = Problems()
    with problems.check():
        _check_scope(actor, org)
    with problems.check():
        _check_year(year, ahead=TARGET_YEARS_AHEAD)
    rows = list(values)
    for indicator, raw in rows:
        with problems.check():
            try:
                _read(indicator, raw)
            except ValueError as exc:
                raise invalid(indicator.code, f"Chỉ tiêu giao ({indicator.name}): {exc}.") from None
    problems.raise_all()
    before = {
        t.indicator_id: (t.value, t.document_id)
        for t in Target.objects.filter(org=org, year=year, indicator__in=[i for i, _r in rows])
    }
    registered = core_services.resolve_document(actor=actor, document=document)
    changed = 0
    for indicator, raw in rows:
        old = before.get(indicator.pk)
        if old != (_read(indicator, raw), registered.pk if registered else None):
            set_target(
                actor=actor, indicator=indicator, org=org, year=year, value=raw, document=registered
            )
            changed += 1
    return changed
