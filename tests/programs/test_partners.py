"""Partner bodies: the rules of their services (code, dates, the leading organisation active,
no cycle of superiors), the lead through time, and their pages in and out of scope."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from dangbo.core.dates import today
from dangbo.core.models import AuditEntry
from dangbo.orgs import queries, services
from dangbo.orgs.models import PartnerBody, PartnerLead
from tests.support import assert_refused

pytestmark = pytest.mark.django_db

D0 = date(2020, 1, 1)


def make(world, code="ubnd-kim-long", lead="kim-long", kind="chinh_quyen", **kw):
    return services.create_partner(
        actor=world.users["staff"],
        code=code,
        name=kw.pop("name", "Ủy ban nhân dân xã Kim Long"),
        kind=kind,
        lead_org=world.org(lead),
        valid_from=kw.pop("valid_from", D0),
        **kw,
    )


def client_for(world, role):
    client = Client()
    client.force_login(world.users[role])
    return client


def test_create_records_the_lead_and_an_audit_entry(world):
    partner = make(world)
    lead = PartnerLead.objects.get(partner=partner)
    assert (lead.org, lead.valid_from, lead.valid_to) == (world.org("kim-long"), D0, None)
    assert AuditEntry.objects.filter(action="org.partner_created", object_id=str(partner.pk))


@pytest.mark.parametrize(
    ("field", "kw", "needle"),
    [
        ("code", {"code": "UBND Kim Long!"}, "Mã"),
        ("name", {"name": "  "}, "Tên"),
        ("kind", {"kind": "nope"}, "Loại cơ quan"),
        ("valid_from", {"valid_from": today() + timedelta(days=3)}, "Ngày thành lập"),
        ("lead_org", {"valid_from": date(1990, 1, 1)}, "Tổ chức đảng lãnh đạo"),
    ],
)
def test_bad_input_is_refused_naming_the_field(world, field, kw, needle):
    message = assert_refused([PartnerBody, PartnerLead], field, make, world=world, **kw)
    assert needle in message


def test_duplicate_code_is_refused(world):
    make(world)
    message = assert_refused([PartnerBody, PartnerLead], "code", make, world=world)
    assert "ubnd-kim-long" in message


def test_lead_changes_from_a_date_closing_the_open_lead(world):
    partner = make(world)
    services.set_partner_lead(
        actor=None, partner=partner, org=world.org("tam-duong"), valid_from=date(2022, 7, 1)
    )
    leads = queries.partner_leads(partner)
    assert [(lead.org.code, lead.valid_from, lead.valid_to) for lead in leads] == [
        ("kim-long", D0, date(2022, 6, 30)),
        ("tam-duong", date(2022, 7, 1), None),
    ]
    assert queries.partner_lead_on(partner, date(2021, 1, 1)).org.code == "kim-long"
    assert queries.partner_lead_on(partner, date(2023, 1, 1)).org.code == "tam-duong"
    # led by the commune's subtree before the change, by the district's after it
    kim_long = world.org("kim-long")
    assert list(queries.partners_led_by(kim_long, date(2021, 1, 1))) == [partner]
    assert list(queries.partners_led_by(kim_long, date(2023, 1, 1))) == []
    assert list(queries.partners_led_by(world.org("tam-duong"), date(2021, 1, 1))) == [partner]
    assert (
        list(queries.partners_led_by(world.org("tam-duong"), date(2021, 1, 1), subtree=False)) == []
    )


def test_lead_change_rules(world):
    partner = make(world)
    call = services.set_partner_lead
    models = [PartnerBody, PartnerLead]
    kw = {"actor": None, "partner": partner}
    assert "đang lãnh đạo" in assert_refused(
        models, "org", call, org=world.org("kim-long"), valid_from=date(2022, 1, 1), **kw
    )
    assert "phải sau" in assert_refused(
        models, "valid_from", call, org=world.org("tam-duong"), valid_from=D0, **kw
    )
    assert "thành lập" in assert_refused(
        models, "valid_from", call, org=world.org("tam-duong"), valid_from=date(2019, 1, 1), **kw
    )


def test_end_closes_the_partner_and_its_lead(world):
    partner = make(world)
    assert_refused(
        [PartnerBody, PartnerLead],
        "valid_to",
        services.end_partner,
        actor=None,
        partner=partner,
        valid_to=date(2019, 12, 31),
    )
    services.end_partner(actor=None, partner=partner, valid_to=date(2024, 12, 31))
    partner.refresh_from_db()
    assert partner.valid_to == date(2024, 12, 31)
    assert PartnerLead.objects.get(partner=partner).valid_to == date(2024, 12, 31)


def test_a_partner_cannot_be_its_own_superior(world):
    upper = make(world, code="ubnd-huyen", lead="tam-duong", name="UBND huyện")
    lower = make(world, code="phong-nn", lead="tam-duong", name="Phòng Nông nghiệp", parent=upper)
    kw = {"actor": None, "name": "UBND huyện", "kind": "chinh_quyen"}
    assert "chính nó" in assert_refused(
        [PartnerBody], "parent", services.edit_partner, partner=upper, parent=upper, **kw
    )
    assert "cấp dưới" in assert_refused(
        [PartnerBody], "parent", services.edit_partner, partner=upper, parent=lower, **kw
    )


def test_pages_in_and_out_of_scope(world):
    partner = make(world)
    staff, outsider = client_for(world, "staff"), client_for(world, "outsider")
    listing = staff.get(reverse("programs:partners"))
    assert listing.status_code == 200 and "Ủy ban nhân dân xã Kim Long" in listing.text
    assert "Ủy ban nhân dân xã Kim Long" not in outsider.get(reverse("programs:partners")).text
    page = staff.get(reverse("programs:partner", args=[partner.code]))
    assert page.status_code == 200 and "Đảng bộ xã Kim Long" in page.text
    assert outsider.get(reverse("programs:partner", args=[partner.code])).status_code == 404
    assert outsider.get(reverse("programs:partner_edit", args=[partner.code])).status_code == 404
    # the committee member sees it but may not change it
    committee = client_for(world, "committee")
    assert committee.get(reverse("programs:partner", args=[partner.code])).status_code == 200
    assert committee.get(reverse("programs:partner_edit", args=[partner.code])).status_code == 404
    assert committee.get(reverse("programs:partner_create")).status_code == 404


def test_create_and_edit_through_the_pages(world):
    staff = client_for(world, "staff")
    url = reverse("programs:partner_create")
    assert staff.get(url).status_code == 200
    data = {
        "name": "Hội Nông dân xã Kim Long",
        "code": "hnd-kim-long",
        "kind": "hoi_nong_dan",
        "lead_org": "Đảng bộ xã Kim Long",
        "valid_from": "01/01/2020",
    }
    bad = staff.post(url, {**data, "lead_org": "Đảng bộ xã Tân Tiến"})
    assert bad.status_code == 400 and "Tổ chức đảng lãnh đạo" in bad.text
    assert not PartnerBody.objects.exists()
    response = staff.post(url, data)
    assert response.status_code == 302
    partner = PartnerBody.objects.get(code="hnd-kim-long")
    edit = reverse("programs:partner_edit", args=[partner.code])
    bad = staff.post(
        edit, {"name": partner.name, "kind": partner.kind, "lead_org": "Đảng bộ huyện Tam Dương"}
    )
    assert bad.status_code == 400 and "Lãnh đạo từ ngày" in bad.text
    response = staff.post(
        edit,
        {
            "name": partner.name,
            "kind": partner.kind,
            "lead_org": "Đảng bộ huyện Tam Dương",
            "lead_from": "01/03/2023",
        },
    )
    assert response.status_code == 302
    assert queries.partner_lead_on(partner, date(2023, 3, 1)).org.code == "tam-duong"


def test_a_former_lead_reads_but_no_longer_changes(world):
    partner = make(world)
    services.set_partner_lead(
        actor=None, partner=partner, org=world.org("hop-hoa"), valid_from=date(2022, 7, 1)
    )
    kim_long_staff = client_for(world, "sensitive_staff")  # org staff of kim-long
    assert kim_long_staff.get(reverse("programs:partner", args=[partner.code])).status_code == 200
    url = reverse("programs:partner_edit", args=[partner.code])
    assert kim_long_staff.get(url).status_code == 404
    assert client_for(world, "staff").get(url).status_code == 200


def test_the_list_costs_the_same_whatever_the_number(world, django_assert_max_num_queries):
    for i in range(6):
        make(world, code=f"doan-the-{i}", name=f"Đoàn thể {i}", kind="hoi_phu_nu")
    staff = client_for(world, "staff")
    staff.get(reverse("programs:partners"))
    with django_assert_max_num_queries(12):
        page = staff.get(reverse("programs:partners"), {"loai": "hoi_phu_nu"})
    assert page.status_code == 200 and page.text.count("Đoàn thể ") == 6


def test_the_list_of_one_organisations_partners(world):
    make(world)
    make(world, code="ubnd-hop-hoa", lead="hop-hoa", name="UBND thị trấn Hợp Hòa")
    staff = client_for(world, "staff")
    page = staff.get(reverse("programs:partners"), {"to-chuc": "hop-hoa"})
    assert "UBND thị trấn Hợp Hòa" in page.text and "Kim Long" not in page.text.split("<main")[1]
    outsider = client_for(world, "outsider")
    assert outsider.get(reverse("programs:partners"), {"to-chuc": "hop-hoa"}).status_code == 404
