"""Recording values and targets: checks first (every problem at once, nothing written),
scope (a commune enters its own values only), corrections audited with before/after."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from dangbo.core.errors import messages_of
from dangbo.core.models import AuditEntry
from dangbo.indicators import services
from dangbo.indicators.models import Indicator, Observation, Target

pytestmark = pytest.mark.django_db


def define(code="gia_tri", **kw):
    data = {"code": code, "name": "Giá trị sản xuất", "unit": "tỷ đồng", "decimals": 1} | kw
    return services.define_indicator(actor=None, **data)


def test_define_checks_every_field_at_once(world):
    before = Indicator.objects.count()  # the catalogue
    with pytest.raises(ValidationError) as err:
        services.define_indicator(
            actor=world.users["admin"],
            code="Mã sai",
            name="",
            unit="%",
            value_type="số",
            aggregation="cộng",
            min_value="10",
            max_value="1",
            computed="khong_co",
        )
    fields = messages_of(err.value)
    assert {"code", "name", "value_type", "aggregation", "max_value", "computed"} <= set(fields)
    assert "Mã chỉ tiêu" in fields["code"][0]
    assert Indicator.objects.count() == before


def test_define_and_audit(world):
    ind = define(min_value="0")
    assert ind.min_value == 0 and ind.decimals == 1
    assert AuditEntry.objects.filter(action="indicator.defined").count() == 1
    with pytest.raises(ValidationError, match="đã có chỉ tiêu"):
        define()


def test_record_new_update_unchanged_with_audit(world):
    ind = define()
    kl, hh = world.org("kim-long"), world.org("hop-hoa")
    staff = world.users["staff"]
    counts = services.record_values(
        actor=staff, rows=[(ind, kl, 2015, "1.234,5"), (ind, hh, 2015, 100)], source="Báo cáo"
    )
    assert counts == {"new": 2, "updated": 0, "unchanged": 0}
    counts = services.record_values(
        actor=staff, rows=[(ind, kl, 2015, "1234,5"), (ind, hh, 2015, "120")]
    )
    assert counts == {"new": 0, "updated": 1, "unchanged": 1}
    obs = Observation.objects.get(org=hh, year=2015)
    assert obs.value == 120 and obs.entered_by == staff and obs.source == "Báo cáo"
    entries = AuditEntry.objects.filter(action="indicator.value_recorded").order_by("id")
    assert entries.count() == 3
    assert entries.last().before == {"value": "100"}
    assert entries.last().after["value"] == "120"


def test_bad_values_refused_naming_the_field_nothing_written(world):
    pct = define(
        "ho_ngheo", name="Tỷ lệ hộ nghèo", unit="%", value_type="percent", aggregation="mean"
    )
    num = define()
    kl = world.org("kim-long")
    with pytest.raises(ValidationError) as err:
        services.record_values(
            actor=None, rows=[(num, kl, 2016, "12"), (pct, kl, 2016, "120"), (num, kl, 1800, "1")]
        )
    fields = messages_of(err.value)
    assert "phải từ 0 đến 100" in fields["ho_ngheo"][0]
    assert "Tỷ lệ hộ nghèo" in fields["ho_ngheo"][0]
    assert "Năm" in fields["gia_tri"][0]
    assert not Observation.objects.exists()
    assert not AuditEntry.objects.filter(action="indicator.value_recorded").exists()


def test_computed_indicator_is_not_entered(world):
    ind = define("ket_nap", name="Kết nạp", unit="người", computed="members_admitted")
    with pytest.raises(ValidationError, match="tính tự động"):
        services.record_value(
            actor=None, indicator=ind, org=world.org("kim-long"), year=2016, value=3
        )


def test_commune_staff_enter_their_own_values_only(world):
    ind = define()
    kl_staff = world.users["sensitive_staff"]  # org_staff on kim-long
    obs = services.record_value(
        actor=kl_staff, indicator=ind, org=world.org("kim-long"), year=2016, value="5"
    )
    assert obs.value == 5
    for org in ("hop-hoa", "tam-duong", "vt-xa"):
        with pytest.raises(ValidationError, match="không có quyền"):
            services.record_value(
                actor=kl_staff, indicator=ind, org=world.org(org), year=2016, value="5"
            )
    with pytest.raises(ValidationError):  # viewing is not changing
        services.record_value(
            actor=world.users["committee"],
            indicator=ind,
            org=world.org("kim-long"),
            year=2016,
            value="6",
        )
    assert Observation.objects.count() == 1


def test_targets_set_and_corrected(world):
    ind = define()
    td = world.org("tam-duong")
    t = services.set_target(
        actor=world.users["staff"], indicator=ind, org=td, year=2016, value="1.500"
    )
    assert t.value == 1500
    services.set_target(actor=world.users["staff"], indicator=ind, org=td, year=2016, value="1600")
    assert Target.objects.get().value == 1600
    entries = AuditEntry.objects.filter(action="indicator.target_set").order_by("id")
    assert [e.before for e in entries] == [None, {"value": "1500"}]
    with pytest.raises(ValidationError) as err:
        services.set_target(
            actor=world.users["outsider"], indicator=ind, org=td, year=2016, value="x"
        )
    assert set(messages_of(err.value)) == {"org", "value"}
    assert Target.objects.get().value == D(1600)
