"""Reorganisations, committees, arrivals and interruptions through the web forms: the effect
in the database and on the page; bad input is a 400 naming the field with nothing changed;
users without the change right on the organisation get a 404."""

from datetime import date

import pytest
from django.urls import reverse

from dangbo.core.models import AuditEntry, LegalDocument
from dangbo.members.models import Member, MemberEvent, Membership, PartyAgeInterruption
from dangbo.orgs.models import CommitteeBody, Organisation, OrgEvent, OrgLink, Position
from dangbo.registry import services as registry_services
from tests.support import counts

pytestmark = pytest.mark.django_db

MODELS = (
    Organisation,
    OrgEvent,
    OrgLink,
    Member,
    MemberEvent,
    Membership,
    PartyAgeInterruption,
    CommitteeBody,
    Position,
    LegalDocument,
    AuditEntry,
)
DOC = {"doc_number": "125-QĐ/HU", "doc_issuer": "Huyện ủy Tam Dương", "doc_date": "20/06/2024"}


def _url(code, op):
    return reverse("orgs:action", args=[code, op])


def _page(client, code):
    return client.get(reverse("orgs:detail", args=[code])).content.decode()


@pytest.fixture
def staff(client, world):
    client.force_login(world.users["staff"])
    return client


def _post_bad(client, url, data, *expected):
    before = counts(*MODELS)
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 400, page[:800]
    for text in expected:
        assert text in page, text
    assert counts(*MODELS) == before
    return page


def _denied(client, world, url, data, *who):
    """Each user gets a 404 on the form and on the post, and nothing changes."""
    before = counts(*MODELS)
    for name in who:
        client.force_login(world.users[name])
        assert client.get(url).status_code == 404, name
        assert client.post(url, data).status_code == 404, name
    assert counts(*MODELS) == before


# ---------------------------------------------------------------- merge


# "xac-nhan": the box saying the consequence was read (destructive operations).
MERGE = {"sources": "kl-thon-2", "effective_date": "01/07/2024", "xac-nhan": "1", **DOC}


def test_merge_moves_members_and_ends_the_source(staff, world):
    assert "Hợp nhất tổ chức khác vào đây" in _page(staff, "kl-thon-1")
    form = staff.get(_url("kl-thon-1", "hop-nhat"))
    assert form.status_code == 200 and "Tổ chức được hợp nhất" in form.content.decode()
    assert f'data-picker="{reverse("orgs:pick")}"' in form.content.decode()
    response = staff.post(_url("kl-thon-1", "hop-nhat"), MERGE)
    assert response.status_code == 302
    assert response["Location"] == reverse("orgs:detail", args=["kl-thon-1"])
    source = Organisation.objects.get(code="kl-thon-2")
    assert source.valid_to == date(2024, 6, 30)
    dung = Member.objects.get(pk=world.members["dung"].pk)
    assert dung.org.code == "kl-thon-1"
    event = OrgEvent.objects.filter(kind="merge", outputs__code="kl-thon-1").latest("id")
    assert event.document.number == "125-QĐ/HU"
    page = _page(staff, "kl-thon-1")
    assert "Đã ghi việc hợp nhất tổ chức." in page
    assert "Phạm Thị Dung" in page and "Hợp nhất / sáp nhập" in page


def test_merge_several_codes_separated_by_commas_and_spaces(staff, world):
    cell = Organisation.objects.get(code="kl-thon-1")
    from dangbo.orgs import services

    services.create_org(
        actor=None,
        code="kl-thon-9",
        name="Chi bộ thôn Chín",
        kind="sub_cell",
        sector="village",
        parent=cell.parent,
        valid_from=date(2010, 1, 1),
    )
    response = staff.post(
        _url("kl-thon-1", "hop-nhat"),
        {
            "sources": "kl-thon-2,  kl-thon-9\nkl-thon-2",
            "effective_date": "01/07/2024",
            "xac-nhan": "1",
        },
    )
    assert response.status_code == 302
    ended = Organisation.objects.filter(valid_to=date(2024, 6, 30)).values_list("code", flat=True)
    assert set(ended) == {"kl-thon-2", "kl-thon-9"}


def test_merge_bad_input(staff, world):
    url = _url("kl-thon-1", "hop-nhat")
    _post_bad(
        staff,
        url,
        {**MERGE, "sources": "vt-thon"},
        "Tổ chức được hợp nhất: không tìm thấy tổ chức “vt-thon” trong phạm vi của bạn.",
    )
    _post_bad(staff, url, {**MERGE, "sources": " , "}, "Tổ chức được hợp nhất: bắt buộc.")
    _post_bad(staff, url, {**MERGE, "sources": "Kim Long!"}, "không tìm thấy tổ chức “Kim Long!”")
    _post_bad(
        staff,
        url,
        {**MERGE, "effective_date": "31/02/2024"},
        "Ngày hiệu lực: tháng 2/2024 không có ngày 31",
    )
    _post_bad(
        staff,
        url,
        {**MERGE, "doc_issuer": ""},
        "Cơ quan ban hành: cần ghi đủ số, cơ quan và ngày ban hành.",
    )
    _post_bad(
        staff,
        url,
        {**MERGE, "sources": "kl-thon-1"},
        "Tổ chức tiếp nhận: không được nằm trong danh sách hợp nhất.",
    )
    # The target's own children would move into the target itself: refused, not a 500.
    _post_bad(staff, _url("kl-thon-1", "hop-nhat"), {**MERGE, "sources": "kim-long"}, "vòng lặp")


def test_merge_needs_change_on_target(client, world):
    _denied(
        client,
        world,
        _url("kl-thon-1", "hop-nhat"),
        MERGE,
        "committee",
        "secretary",
        "auditor",
        "outsider",
        "member",
        "nobody",
    )
    client.force_login(world.users["committee"])
    assert "Hợp nhất tổ chức khác vào đây" not in _page(client, "kl-thon-1")


# ---------------------------------------------------------------- split


def _split_data(world, **extra):
    """A split of kl-thon-1, made an agency cell first: a village cell is not split (one
    cell per village, ``orgs.rules.operation_allowed``)."""
    Organisation.objects.filter(code="kl-thon-1").update(sector="agency")
    m = world.members
    return {
        "xac-nhan": "1",
        "new_orgs": "kl-thon-1a | Chi bộ thôn Đồng Bông 1\nkl-thon-1b | Chi bộ thôn Đồng Bông 2",
        "allocation": (
            f"{m['huong'].pk} kl-thon-1a  # Hương\n\n"
            f"{m['an'].pk} → kl-thon-1b\n"
            f"{m['binh'].pk}   kl-thon-1b"
        ),
        "effective_date": "01/07/2024",
        "end_source": "on",
        **extra,
    }


def test_split_creates_orgs_moves_members_and_ends_source(staff, world):
    data = _split_data(world, **DOC)
    assert "Chia tách" in _page(staff, "kl-thon-1")
    form = staff.get(_url("kl-thon-1", "chia-tach")).content.decode()
    assert "\nNguyễn Thị Hương → " in form  # prefilled allocation: names, never ids
    assert f"{world.members['huong'].pk} " not in form
    response = staff.post(_url("kl-thon-1", "chia-tach"), data)
    assert response.status_code == 302, response.content.decode()[:800]
    a, b = (Organisation.objects.get(code=c) for c in ("kl-thon-1a", "kl-thon-1b"))
    for new in (a, b):
        assert (new.kind, new.sector, new.parent.code) == ("sub_cell", "agency", "kim-long")
        assert new.valid_from == date(2024, 7, 1)
    assert Organisation.objects.get(code="kl-thon-1").valid_to == date(2024, 6, 30)
    orgs = dict(
        Member.objects.filter(
            pk__in=[world.members[k].pk for k in ("huong", "an", "binh")]
        ).values_list("full_name", "org__code")
    )
    assert orgs == {
        "Nguyễn Thị Hương": "kl-thon-1a",
        "Trần Văn An": "kl-thon-1b",
        "Lê Văn Bình": "kl-thon-1b",
    }
    page = _page(staff, "kim-long")
    assert "Chi bộ thôn Đồng Bông 1" in page and "Chi bộ thôn Đồng Bông 2" in page
    assert "Trần Văn An" in _page(staff, "kl-thon-1b")


def test_split_allocation_by_names(staff, world):
    """Members and new organisations named as people name them; accents optional."""
    data = _split_data(
        world,
        **DOC,
        allocation=(
            "Nguyễn Thị Hương → Chi bộ thôn Đồng Bông 1\n"
            "tran van an -> kl-thon-1b\n"
            "Lê Văn Bình | chi bo thon dong bong 2  # the older form's separator"
        ),
    )
    response = staff.post(_url("kl-thon-1", "chia-tach"), data)
    assert response.status_code == 302, response.content.decode()[:800]
    moved = dict(
        Member.objects.filter(org__code__in=["kl-thon-1a", "kl-thon-1b"]).values_list(
            "full_name", "org__code"
        )
    )
    assert moved == {
        "Nguyễn Thị Hương": "kl-thon-1a",
        "Trần Văn An": "kl-thon-1b",
        "Lê Văn Bình": "kl-thon-1b",
    }


def test_split_allocation_twins_need_the_birth_year(staff, world):
    from tests.conftest import _member

    _member(world, "an_twin", "kl-thon-1", "Trần Văn An", born=date(1980, 3, 3))
    data = _split_data(world, allocation="Trần Văn An → kl-thon-1a")
    url = _url("kl-thon-1", "chia-tach")
    form = staff.get(url).content.decode()
    assert "Trần Văn An (1950) → " in form and "Trần Văn An (1980) → " in form
    _post_bad(
        staff,
        url,
        data,
        "có 2 đảng viên tên “Trần Văn An”: ghi thêm năm sinh",
    )


def test_split_keeping_the_source(staff, world):
    data = _split_data(
        world,
        new_orgs="kl-thon-1a | Chi bộ thôn Đồng Bông 1",
        allocation=f"{world.members['an'].pk} kl-thon-1a\n{world.members['huong'].pk}",
    )
    del data["end_source"]
    assert staff.post(_url("kl-thon-1", "chia-tach"), data).status_code == 302
    assert Organisation.objects.get(code="kl-thon-1").valid_to is None
    assert Member.objects.get(pk=world.members["an"].pk).org.code == "kl-thon-1a"
    assert Member.objects.get(pk=world.members["huong"].pk).org.code == "kl-thon-1"


def test_split_bad_input_names_the_line(staff, world):
    url = _url("kl-thon-1", "chia-tach")
    m = world.members
    _post_bad(
        staff,
        url,
        _split_data(world, new_orgs="kl-thon-1a Chi bộ mới"),
        "Tổ chức mới, dòng 1: ghi theo dạng “mã | tên”.",
    )
    _post_bad(
        staff,
        url,
        _split_data(world, new_orgs="kl-thon-1a | A\nkl-thon-2 | B"),
        "Tổ chức mới, dòng 2: đã có tổ chức mang mã “kl-thon-2”.",
    )
    _post_bad(
        staff,
        url,
        _split_data(world, new_orgs="kl-thon-1a | A\n\nKL 1B | B"),
        "Tổ chức mới, dòng 3: mã “kl 1b”",
    )
    _post_bad(
        staff,
        url,
        _split_data(world, allocation=f"{m['huong'].pk} kl-thon-1a\n{m['dung'].pk} kl-thon-1b"),
        f"Phân bổ đảng viên, dòng 2: đảng viên mã {m['dung'].pk} không sinh hoạt tại",
    )
    _post_bad(
        staff,
        url,
        _split_data(world, allocation=f"{m['huong'].pk} kl-thon-1a\nHương kl-thon-1b"),
        "Phân bổ đảng viên, dòng 2: không có đảng viên “Hương kl-thon-1b” đang sinh hoạt",
    )
    _post_bad(
        staff,
        url,
        _split_data(world, allocation=f"{m['huong'].pk} kl-thon-7"),
        "Phân bổ đảng viên, dòng 1: “kl-thon-7” không có trong danh sách tổ chức mới.",
    )
    # Ending the source needs every member placed: the service names the one left over.
    _post_bad(
        staff,
        url,
        _split_data(world, allocation=f"{m['huong'].pk} kl-thon-1a"),
        "Phân bổ đảng viên: chưa chọn tổ chức mới cho",
    )
    _post_bad(staff, url, _split_data(world, effective_date="1/13/2024"), "Ngày hiệu lực:")


def test_split_of_a_scope_root_is_refused(client, world):
    """The new organisations would sit under a parent outside the user's change scope."""
    client.force_login(world.users["sensitive_staff"])  # org_staff on kim-long
    data = {
        "new_orgs": "kl-a | A",
        "allocation": "",
        "effective_date": "01/07/2024",
        "xac-nhan": "1",
    }
    _post_bad(
        client,
        _url("kim-long", "chia-tach"),
        data,
        "Tổ chức mới: trực thuộc Đảng bộ huyện Tam Dương, ngoài phạm vi bạn được thay đổi.",
    )


def test_split_needs_change(client, world):
    _denied(
        client,
        world,
        _url("kl-thon-1", "chia-tach"),
        _split_data(world),
        "committee",
        "secretary",
        "outsider",
        "nobody",
    )


# ---------------------------------------------------------------- bodies and positions


BODY = {
    "body_type": "executive_committee",
    "term_start_year": "2020",
    "term_end_year": "2025",
    "formed_by": "elected",
    "valid_from": "01/10/2020",
}


def _body(world, code="kim-long"):
    from dangbo.orgs import services

    return services.create_body(
        actor=None,
        org=world.org(code),
        body_type="executive_committee",
        term_start_year=2020,
        term_end_year=2025,
        valid_from=date(2020, 10, 1),
    )


def test_create_body(staff, world):
    assert "Lập cơ quan lãnh đạo" in _page(staff, "kim-long")
    response = staff.post(_url("kim-long", "lap-co-quan"), BODY)
    assert response.status_code == 302
    body = CommitteeBody.objects.get(org__code="kim-long")
    assert (body.body_type, body.term, body.valid_from) == (
        "executive_committee",
        "2020–2025",
        date(2020, 10, 1),
    )
    page = _page(staff, "kim-long")
    assert "Ban Chấp hành" in page and "nhiệm kỳ 2020–2025" in page


def test_create_body_bad_input(staff, world):
    url = _url("kim-long", "lap-co-quan")
    _post_bad(
        staff,
        url,
        {**BODY, "term_end_year": "2019"},
        "Nhiệm kỳ: năm kết thúc phải sau năm bắt đầu",
    )
    _post_bad(staff, url, {**BODY, "term_start_year": "hai"}, "Nhiệm kỳ từ năm: phải là số nguyên.")
    _post_bad(staff, url, {**BODY, "body_type": "cell_committee"}, "Chi ủy chỉ lập ở chi bộ.")
    _post_bad(staff, url, {**BODY, "formed_by": "x"}, "Hình thức: lựa chọn không hợp lệ.")
    _post_bad(staff, url, {**BODY, "valid_from": ""}, "Ngày bắt đầu hiệu lực: bắt buộc.")
    _body(world)
    _post_bad(staff, url, BODY, "Nhiệm kỳ: cơ quan này đã có cho nhiệm kỳ đó.")


def test_assign_position_by_card_or_id(staff, world):
    body = _body(world)
    form = staff.get(_url("kim-long", "phan-cong-chuc-vu")).content.decode()
    assert "Ban Chấp hành 2020–2025" in form
    data = {"member": "1234 5678", "title": "secretary", "body": str(body.pk)}
    response = staff.post(
        _url("kim-long", "phan-cong-chuc-vu"),
        {**data, "method": "elected", "valid_from": "05/10/2020"},
    )
    assert response.status_code == 302
    position = Position.objects.get(org__code="kim-long")
    assert position.member == world.members["huong"] and position.body == body
    response = staff.post(
        _url("kim-long", "phan-cong-chuc-vu"),
        {
            "member": str(world.members["an"].pk),
            "title": "deputy_secretary",
            "body": "",
            "method": "appointed",
            "valid_from": "05/10/2020",
        },
    )
    assert response.status_code == 302
    other = Position.objects.get(member=world.members["an"])
    assert other.body is None and other.method == "appointed"
    page = _page(staff, "kim-long")
    assert "<td>Bí thư</td>" in page and "Nguyễn Thị Hương" in page
    assert "Chức vụ khác" in page and "Phó Bí thư" in page and "Trần Văn An" in page
    assert "Thôi giữ chức vụ" in page


def test_assign_position_bad_input(staff, world):
    body = _body(world)
    other = _body(world, "hop-hoa")
    url = _url("kim-long", "phan-cong-chuc-vu")
    good = {
        "member": "12345678",
        "title": "secretary",
        "body": str(body.pk),
        "method": "elected",
        "valid_from": "05/10/2020",
    }
    _post_bad(
        staff,
        url,
        {**good, "member": str(world.members["tien"].pk)},
        "Đảng viên: không tìm thấy đảng viên",
    )
    _post_bad(staff, url, {**good, "member": "khong-so"}, "Đảng viên: không tìm thấy")
    _post_bad(staff, url, {**good, "body": str(other.pk)}, "Cơ quan: lựa chọn không hợp lệ.")
    _post_bad(staff, url, {**good, "title": "king"}, "Chức vụ: lựa chọn không hợp lệ.")
    _post_bad(staff, url, {**good, "valid_from": "01/01/2999"}, "Ngày nhận chức vụ: không được sau")


def test_end_position_from_the_org_page(staff, world):

    body = _body(world)
    position = registry_services.assign_position(
        actor=None,
        member=world.members["huong"],
        org=world.org("kim-long"),
        title="secretary",
        body=body,
        valid_from=date(2020, 10, 5),
    )
    page = _page(staff, "kim-long")
    # The committee row links to the change's own page, the position chosen there.
    url = _url("kim-long", "thoi-chuc-vu")
    assert f"{url}?chuc-vu={position.pk}" in page
    form = staff.get(url, {"chuc-vu": position.pk}).content.decode()
    assert f'<option value="{position.pk}" selected>' in form
    response = staff.post(url, {"position": str(position.pk), "valid_to": "30/06/2024"})
    assert response.status_code == 302
    position.refresh_from_db()
    assert position.valid_to == date(2024, 6, 30)
    page = _page(staff, "kim-long")
    assert "Đã ghi việc thôi giữ chức vụ." in page
    assert "Chưa ghi thành viên." in page  # no holder today
    past = staff.get(reverse("orgs:detail", args=["kim-long"]), {"ngay": "01/01/2022"})
    assert "Nguyễn Thị Hương" in past.content.decode()
    assert 'name="position"' not in page  # nothing left to end
    assert _url("kim-long", "thoi-chuc-vu") not in page


def test_end_position_bad_input(staff, world):

    body = _body(world)
    position = registry_services.assign_position(
        actor=None,
        member=world.members["huong"],
        org=world.org("kim-long"),
        title="secretary",
        body=body,
        valid_from=date(2020, 10, 5),
    )
    elsewhere = registry_services.assign_position(
        actor=None,
        member=world.members["hoa"],
        org=world.org("hop-hoa"),
        title="secretary",
        valid_from=date(2020, 10, 5),
    )
    url = _url("kim-long", "thoi-chuc-vu")
    _post_bad(
        staff,
        url,
        {"position": str(position.pk), "valid_to": "01/01/2019"},
        "Ngày thôi giữ chức vụ: trước ngày nhận chức vụ.",
    )
    _post_bad(
        staff,
        url,
        {"position": str(elsewhere.pk), "valid_to": "01/01/2024"},
        "Chức vụ: lựa chọn không hợp lệ.",
    )
    _post_bad(staff, url, {"position": str(position.pk)}, "Ngày thôi giữ chức vụ: bắt buộc.")


def test_committee_forms_need_change(client, world):

    body = _body(world)
    position = registry_services.assign_position(
        actor=None,
        member=world.members["huong"],
        org=world.org("kim-long"),
        title="secretary",
        body=body,
        valid_from=date(2020, 10, 5),
    )
    who = ("committee", "secretary", "auditor", "outsider", "nobody")
    _denied(client, world, _url("kim-long", "lap-co-quan"), BODY, *who)
    _denied(
        client,
        world,
        _url("kim-long", "phan-cong-chuc-vu"),
        {"member": "12345678", "title": "secretary", "valid_from": "05/10/2020"},
        *who,
    )
    _denied(
        client,
        world,
        _url("kim-long", "thoi-chuc-vu"),
        {"position": str(position.pk), "valid_to": "30/06/2024"},
        *who,
    )
    client.force_login(world.users["committee"])
    page = _page(client, "kim-long")
    assert "Nguyễn Thị Hương" in page and "Thôi giữ chức vụ" not in page
    assert "Phân công chức vụ" not in page


# ---------------------------------------------------------------- transfer in


ARRIVAL = {
    "full_name": "Lý Văn Đến",
    "gender": "M",
    "date_of_birth": "10/10/1980",
    "admission_decision_date": "01/03/2010",
    "admission_ceremony_date": "01/03/2010",
    "official_recognition_date": "01/03/2011",
    "effective_date": "01/06/2024",
    "note": "Đảng bộ tỉnh Phú Thọ",
}


def test_transfer_in_official_member(staff, world):
    page = _page(staff, "kl-thon-2")
    assert "Tiếp nhận đảng viên từ nơi khác" in page and "Kết nạp đảng viên" in page
    assert "Tiếp nhận đảng viên từ nơi khác" not in _page(staff, "kim-long")
    url = _url("kl-thon-2", "tiep-nhan")
    assert "Ngày tiếp nhận" in staff.get(url).content.decode()
    response = staff.post(url, ARRIVAL)
    member = Member.objects.get(full_name="Lý Văn Đến")
    assert response.status_code == 302
    assert response["Location"] == reverse("members:detail", args=[member.pk])
    assert member.status == "official" and member.org.code == "kl-thon-2"
    assert member.official_recognition_date == date(2011, 3, 1)
    assert member.admission_org is None
    ms = Membership.objects.get(member=member)
    assert ms.valid_from == date(2024, 6, 1) and ms.org.code == "kl-thon-2"
    event = MemberEvent.objects.get(member=member)
    assert event.kind == "transferred_in" and event.note == "Đảng bộ tỉnh Phú Thọ"
    page = staff.get(response["Location"]).content.decode()
    assert "Đã ghi việc tiếp nhận đảng viên." in page and "01/03/2011" in page
    assert "Lý Văn Đến" in _page(staff, "kl-thon-2")


def test_transfer_in_probationary_member(staff, world):
    data = {
        **ARRIVAL,
        "admission_decision_date": "01/03/2024",
        "admission_ceremony_date": "05/03/2024",
    }
    del data["official_recognition_date"]
    assert staff.post(_url("kl-thon-2", "tiep-nhan"), data).status_code == 302
    assert Member.objects.get(full_name="Lý Văn Đến").status == "probationary"


def test_transfer_in_bad_input(staff, world):
    url = _url("kl-thon-2", "tiep-nhan")
    _post_bad(staff, url, {**ARRIVAL, "effective_date": ""}, "Ngày tiếp nhận: bắt buộc.")
    _post_bad(
        staff,
        url,
        {**ARRIVAL, "effective_date": "01/01/2009"},
        "Ngày tiếp nhận: không được trước ngày quyết định kết nạp.",
    )
    _post_bad(
        staff, url, {**ARRIVAL, "effective_date": "01/01/2999"}, "Ngày tiếp nhận: không được sau"
    )
    _post_bad(
        staff,
        url,
        {**ARRIVAL, "official_recognition_date": "01/04/2010"},
        "công nhận chính thức",
    )
    _post_bad(
        staff,
        url,
        {**ARRIVAL, "card_number": "12345678"},
        "Số thẻ đảng viên: đã được sử dụng.",
    )
    _post_bad(staff, url, {**ARRIVAL, "full_name": ""}, "Họ và tên: bắt buộc.")


def test_transfer_in_needs_change_on_a_cell(client, world):
    _denied(
        client,
        world,
        _url("kl-thon-2", "tiep-nhan"),
        ARRIVAL,
        "committee",
        "secretary",
        "outsider",
        "nobody",
    )
    client.force_login(world.users["staff"])
    # Members are received in cells: a commune's committee neither offers it nor takes it.
    before = counts(*MODELS)
    assert _url("kim-long", "tiep-nhan") not in _page(client, "kim-long")
    assert client.post(_url("kim-long", "tiep-nhan"), ARRIVAL).status_code == 404
    assert counts(*MODELS) == before


# ---------------------------------------------------------------- interruption


GAP = {"start": "01/01/2005", "end": "31/12/2007", "reason": "Đi lao động nước ngoài"}


def _member_url(member, op="gian-doan"):
    return reverse("members:action", args=[member.pk, op])


def test_record_interruption(staff, world):
    an = world.members["an"]
    detail = reverse("members:detail", args=[an.pk])
    before = staff.get(detail).content.decode()
    assert "Ghi gián đoạn sinh hoạt (điều chỉnh tuổi đảng)" in before
    response = staff.post(_member_url(an), {**GAP, "fee_backpaid": "on"})
    assert response.status_code == 302
    gap = PartyAgeInterruption.objects.get(member=an)
    assert (gap.interrupted_from, gap.interrupted_to) == (date(2005, 1, 1), date(2007, 12, 31))
    assert gap.fee_backpaid is True and gap.reason == "Đi lao động nước ngoài"
    page = staff.get(detail).content.decode()
    assert "Gián đoạn sinh hoạt (không tính tuổi đảng)" in page
    assert "01/01/2005 – 31/12/2007: Đi lao động nước ngoài" in page
    assert "đã truy nộp đảng phí" in page
    from dangbo.members import queries

    age = queries.summary(Member.objects.get(pk=an.pk)).party_age
    assert age == queries.summary(an, sensitive=False).party_age
    assert f"{age} năm" in page


def test_interruption_shortens_party_age(staff, world):
    from dangbo.members import queries

    an = Member.objects.get(pk=world.members["an"].pk)
    before = queries.summary(an).party_age
    staff.post(_member_url(an), GAP)
    assert queries.summary(an).party_age == before - 3


def test_interruption_bad_input(staff, world):
    an = world.members["an"]
    url = _member_url(an)
    _post_bad(staff, url, {**GAP, "end": "01/01/2004"}, "Đến ngày: phải từ ngày bắt đầu trở đi.")
    _post_bad(staff, url, {**GAP, "start": "01/01/1990"}, "Từ ngày: trước ngày kết nạp.")
    _post_bad(staff, url, {**GAP, "reason": ""}, "Lý do: bắt buộc.")
    _post_bad(staff, url, {**GAP, "start": "32/01/2005"}, "Từ ngày: tháng 1/2005 không có ngày 32")
    assert staff.post(url, GAP).status_code == 302
    _post_bad(
        staff,
        url,
        {**GAP, "start": "01/06/2007", "end": "01/06/2008"},
        "Từ ngày: trùng với thời gian gián đoạn 01/01/2005–31/12/2007.",
    )


def test_interruption_needs_change(client, world):
    _denied(
        client,
        world,
        _member_url(world.members["an"]),
        GAP,
        "committee",
        "secretary",
        "auditor",
        "outsider",
        "member",
        "nobody",
    )
    client.force_login(world.users["sensitive_staff"])
    assert client.get(_member_url(world.members["an"])).status_code == 200
    assert client.get(_member_url(world.members["hoa"])).status_code == 404  # hop-hoa


@pytest.mark.parametrize(
    "op, data, field",
    [
        ("lap-co-quan", {**BODY, "term_start_year": "99999999999999999999"}, "Nhiệm kỳ từ năm"),
        ("lap-co-quan", {**BODY, "term_start_year": "40000"}, "Nhiệm kỳ từ năm"),
        (
            "phan-cong-chuc-vu",
            {"member": "²", "title": "secretary", "valid_from": "01/01/2020"},
            "",
        ),
    ],
)
def test_odd_numbers_are_bad_input_not_errors(client, world, op, data, field):
    client.force_login(world.users["staff"])
    before = counts(*MODELS)
    response = client.post(_url("kim-long", op), data)
    assert response.status_code == 400
    assert field in response.content.decode()
    assert counts(*MODELS) == before
