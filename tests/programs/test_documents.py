"""The document register: registering and editing, its rules, search, links both ways."""

import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied

from dangbo.core.choices import CoreAudit
from dangbo.core.models import AuditEntry, LegalDocument, StoredFile
from dangbo.programs import documents
from dangbo.programs.choices import ProgramAudit, ProgramKind
from dangbo.programs.models import Program
from tests.support import assert_refused

PDF = b"%PDF-1.4\n%%EOF\n"
EXE = b"MZ\x90\x00" + b"\x00" * 100


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path


def _tw64(**kw):
    data = {
        "actor": None,
        "number": "64-KL/TW",
        "kind": "KL",
        "issuer": "Bộ Chính trị",
        "issue_date": date(2023, 2, 28),
        "title": "Kết luận về tiếp tục đổi mới, hoàn thiện hệ thống chính trị",
    }
    return documents.register(**{**data, **kw})


def _district(world, number="12-CTr/HU", **kw):
    return documents.register(
        **{
            "actor": world.users["staff"],
            "number": number,
            "kind": "CTR",
            "issue_date": date(2023, 5, 10),
            "title": "Chương trình hành động thực hiện Kết luận 64",
            "body": world.org("tam-duong"),
            **kw,
        }
    )


def test_register_fills_key_issuer_and_audits(world):
    top = _tw64()
    doc = _district(world, implements=top, applies_to=[world.org("kim-long")])
    assert doc.issuer == world.org("tam-duong").name
    assert " 12 ctr hu " in doc.search_key and "chuong trinh" in doc.search_key
    assert doc.recorded_at is not None
    assert list(doc.applies_to.all()) == [world.org("kim-long")]
    entry = AuditEntry.objects.filter(object_id=str(doc.pk)).latest("id")
    assert entry.action == CoreAudit.DOCUMENT_REGISTERED
    assert entry.actor_id == world.users["staff"].pk


@pytest.mark.parametrize(
    "text",
    ["64-KL/TW", "64", "kl 64", "KL/TW 64", "ket luan 64", "hệ thống chính trị", "HE THONG"],
)
def test_search_finds_by_number_and_folded_words(world, text):
    top = _tw64()
    _tw64(number="640-QĐ/TW", kind="QD", title="Quy định khác")
    found = list(documents.search(world.users["committee"], documents.Search(text=text)))
    assert top in found
    if text in ("64", "kl 64", "ket luan 64"):
        assert all("640" not in d.number for d in found)


def test_search_filters_kind_issuer_body_year(world):
    top = _tw64()
    doc = _district(world)
    user = world.users["committee"]
    assert list(documents.search(user, documents.Search(kind="CTR"))) == [doc]
    by_issuer = list(documents.search(user, documents.Search(issuer="Bộ Chính")))
    assert top in by_issuer and doc not in by_issuer
    assert list(documents.search(user, documents.Search(body=world.org("tam-duong")))) == [doc]
    in_2023 = list(documents.search(user, documents.Search(year=2023)))
    assert doc in in_2023 and top in in_2023
    assert in_2023.index(doc) < in_2023.index(top)  # newest first
    assert all(d.issue_date.year == 2023 for d in in_2023)


def test_documents_from_other_apps_are_found_without_accents(world):
    """A decision named by another app's form (``core.services.resolve_document``) is saved
    by the model, which keeps the key: the register finds it however it is typed."""
    doc = LegalDocument.objects.create(
        number="05-QĐ/TU",
        kind="QD",
        issuer="Tỉnh ủy",
        issue_date=date(2020, 1, 2),
        title="Về việc thành lập Đảng bộ",
    )
    assert doc.search_key == " 05 qd tu quyet dinh ve viec thanh lap dang bo "
    for text in ("05-QĐ/TU", "05 qd tu", "thanh lap dang bo", "quyết định 05"):
        found = documents.search(world.users["staff"], documents.Search(text=text))
        assert doc in found, text


def test_documents_written_by_data_migrations_get_their_key_after_migrating(world):
    from dangbo.core.apps import fill_document_keys

    doc = LegalDocument.objects.create(
        number="07-QĐ/TU", kind="QD", issuer="Tỉnh ủy", issue_date=date(2020, 1, 3)
    )
    LegalDocument.objects.filter(pk=doc.pk).update(search_key="")  # as a migration writes it
    fill_document_keys(using="default")
    doc.refresh_from_db()
    assert doc.search_key == " 07 qd tu quyet dinh "


def test_bad_input_names_the_field_and_writes_nothing(world):
    staff = world.users["staff"]
    base = {
        "actor": staff,
        "number": "1-NQ/HU",
        "kind": "NQ",
        "issue_date": date(2023, 1, 1),
        "body": world.org("tam-duong"),
    }
    tomorrow = date.today() + timedelta(days=2)
    models = [LegalDocument, StoredFile]
    assert "Ngày ban hành" in assert_refused(
        models, "issue_date", documents.register, **{**base, "issue_date": tomorrow}
    )
    assert "Hết hiệu lực" in assert_refused(
        models,
        "effective_to",
        documents.register,
        **{**base, "effective_from": date(2023, 2, 1), "effective_to": date(2023, 1, 1)},
    )
    assert "Số hiệu" in assert_refused(
        models, "number", documents.register, **{**base, "number": " "}
    )
    assert "Loại văn bản" in assert_refused(
        models, "kind", documents.register, **{**base, "kind": "X"}
    )
    assert "Cơ quan ban hành" in assert_refused(
        models, "issuer", documents.register, **{**base, "body": None}
    )
    assert "Thực hiện văn bản" in assert_refused(
        models, "implements", documents.register, **{**base, "implements": "không-có-số"}
    )
    # a file that says .pdf but is a program
    assert "Tệp đính kèm" in assert_refused(
        models,
        "files",
        documents.register,
        **{**base, "uploads": [(io.BytesIO(EXE), "nghi-quyet.pdf")]},
    )
    # the same identity twice
    documents.register(**base)
    assert "Số hiệu" in assert_refused(models, "number", documents.register, **base)


def test_same_number_other_issue_date_is_another_document(world):
    a = _tw64()
    b = _tw64(issue_date=date(2019, 3, 1))
    assert a.pk != b.pk


def test_cannot_implement_or_replace_itself_nor_cycle(world):
    a = _tw64()
    b = _district(world, implements=a)
    c = _district(world, number="15-KH/HU", implements=b)
    staff = world.users["staff"]
    models = [LegalDocument]
    msg = assert_refused(models, "implements", documents.edit, actor=None, doc=a, implements=a)
    assert "chính nó" in msg
    msg = assert_refused(models, "implements", documents.edit, actor=None, doc=a, implements=c)
    assert "vòng" in msg
    msg = assert_refused(models, "replaced_by", documents.edit, actor=staff, doc=b, replaced_by=b)
    assert "chính nó" in msg
    documents.edit(actor=staff, doc=b, replaced_by=c)
    msg = assert_refused(models, "replaced_by", documents.edit, actor=staff, doc=c, replaced_by=b)
    assert "vòng" in msg


def test_edit_audits_the_changed_fields(world):
    doc = _district(world)
    documents.edit(
        actor=world.users["staff"], doc=doc, title="Trích yếu mới", effective_from=date(2023, 6, 1)
    )
    doc.refresh_from_db()
    assert "trich yeu moi" in doc.search_key
    entry = AuditEntry.objects.filter(object_id=str(doc.pk)).latest("id")
    assert entry.action == ProgramAudit.DOCUMENT_CHANGED
    assert set(entry.after) == {"title", "effective_from"}


def test_who_may_change(world):
    doc = _district(world)
    outside = _tw64()
    for name in ("committee", "auditor", "secretary", "outsider"):
        with pytest.raises(PermissionDenied):
            documents.edit(actor=world.users[name], doc=doc, title="x")
    # an outsider cannot put a body out of their scope on a document
    assert "Cấp ủy ban hành" in assert_refused(
        [LegalDocument],
        "body",
        documents.register,
        actor=world.users["outsider"],
        number="9-NQ/HU",
        kind="NQ",
        issue_date=date(2023, 1, 1),
        body=world.org("tam-duong"),
    )
    # an outside issuer's document: any staff with a CHANGE grant
    documents.edit(actor=world.users["outsider"], doc=outside, title="Sửa bởi Vĩnh Tường")
    with pytest.raises(PermissionDenied):
        documents.register(
            actor=world.users["committee"],
            number="1",
            kind="NQ",
            issuer="X",
            issue_date=date(2023, 1, 1),
        )


def test_attach_audits_and_stores(world):
    doc = _district(world)
    stored = documents.attach(
        actor=world.users["staff"], doc=doc, uploads=[(io.BytesIO(PDF), "Chương trình.pdf")]
    )
    assert [f.original_name for f in doc.files.all()] == ["Chương trình.pdf"]
    entry = AuditEntry.objects.filter(object_id=str(doc.pk)).latest("id")
    assert entry.action == ProgramAudit.DOCUMENT_FILE_ADDED
    assert stored[0].sha256 in str(entry.after)
    with pytest.raises(PermissionDenied):
        documents.attach(
            actor=world.users["committee"], doc=doc, uploads=[(io.BytesIO(PDF), "a.pdf")]
        )


def test_links_both_ways(world):
    top = _tw64()
    district = _district(world, implements=top)
    plan = _district(world, number="20-KH/HU", kind="KH", implements=district)
    older = _tw64(number="50-KL/TW", issue_date=date(2019, 1, 1), replaced_by=top)
    prog = Program.objects.create(
        kind=ProgramKind.ACTION,
        title="Chương trình hành động 12",
        org=world.org("tam-duong"),
        document=district,
        start=date(2023, 5, 10),
        end=date(2025, 12, 31),
    )
    hidden = Program.objects.create(
        kind=ProgramKind.ACTION,
        title="Chương trình của Vĩnh Tường",
        org=world.org("vinh-tuong"),
        document=district,
        start=date(2023, 5, 10),
        end=date(2025, 12, 31),
    )
    up = documents.links(world.users["staff"], plan)
    assert up.chain == [district, top]
    down = documents.links(world.users["staff"], top)
    assert down.implemented_by == [district]
    assert down.implementing_programs == [prog]  # not hidden: out of scope
    assert down.replaces == [older]
    mid = documents.links(world.users["staff"], district)
    assert mid.programs == [prog] and hidden not in mid.programs
    assert documents.links(world.users["outsider"], district).programs == [hidden]
    assert documents.links(world.users["staff"], older).replaced_by == top


def test_resolve_by_number_and_date(world):
    a = _tw64()
    b = _tw64(issue_date=date(2019, 3, 1))
    assert documents.resolve(None, "64-KL/TW (28/02/2023)", "implements") == a
    assert documents.resolve(None, "64-KL/TW (01/03/2019)", "implements") == b
    with pytest.raises(Exception) as exc:
        documents.resolve(None, "64-KL/TW", "implements")
    assert "Thực hiện văn bản" in str(exc.value) and "2 văn bản" in str(exc.value)


def test_a_bad_file_among_good_ones_leaves_no_copy(world, tmp_path):
    doc = _district(world)
    assert_refused(
        [LegalDocument, StoredFile],
        "files",
        documents.attach,
        actor=world.users["staff"],
        doc=doc,
        uploads=[(io.BytesIO(PDF), "a.pdf"), (io.BytesIO(EXE), "b.pdf")],
    )
    assert list((tmp_path / "files").iterdir()) == []


def test_list_queries_are_bounded(world, client, django_assert_max_num_queries):
    from django.urls import reverse

    top = _tw64()
    for i in range(30):
        _district(world, number=f"{i}-KH/HU", implements=top)
    client.force_login(world.users["staff"])
    with django_assert_max_num_queries(15):
        assert client.get(reverse("documents:list"), {"q": "kh"}).status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(reverse("documents:detail", args=[top.pk])).status_code == 200


def test_size_limit_of_attachments(world, settings, tmp_path):
    settings.DANGBO = {**settings.DANGBO, "FILE_MAX_BYTES": 1000}
    doc = _district(world)
    message = assert_refused(
        [LegalDocument, StoredFile],
        "files",
        documents.attach,
        actor=world.users["staff"],
        doc=doc,
        uploads=[(io.BytesIO(PDF + b"0" * 2000), "lon.pdf")],
    )
    assert "quá lớn" in message and "Tệp đính kèm" in message
    assert list((tmp_path / "files").iterdir()) == []
