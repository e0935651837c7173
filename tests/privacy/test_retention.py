"""Retention (``run_retention``, ``dangbo retention``): each activity's step as of a given
time, what it erases or anonymises, audited; a dry run and a second run change nothing; a
failing step is reported without stopping the others."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from dangbo.core import audit, privacy
from dangbo.core.models import AuditEntry
from dangbo.privacy import services
from dangbo.privacy.choices import RequestKind, RetentionAudit
from dangbo.privacy.models import Breach, ConsentRecord, DataRequest, RetentionRun

pytestmark = pytest.mark.django_db

YEAR = timedelta(days=365)


def _consent(world, purpose, **kw):
    return services.record_consent(
        actor=None,
        purpose=purpose.code,
        subject_name="Dân",
        subject_email="dan@example.vn",
        ref="test.thing:1",
        org=world.org("kim-long"),
        **kw,
    )


@pytest.fixture
def aged(world, purpose):
    """Records of every kind, made to look old: ``old`` ones due for retention six years on,
    ``young`` ones not."""
    now = timezone.now()
    old_consent = _consent(world, purpose)
    young_consent = _consent(world, purpose)
    kept_consent = _consent(world, purpose)  # never withdrawn: kept
    ConsentRecord.objects.filter(pk=old_consent.pk).update(withdrawn_at=now - 6 * YEAR)
    ConsentRecord.objects.filter(pk=young_consent.pk).update(withdrawn_at=now - 2 * YEAR)
    staff = world.users["staff"]
    old_request = services.file_request(
        actor=staff,
        kind=RequestKind.SEE,
        text="Cho xem.",
        name="Bé",
        email="be@example.vn",
        org=world.org("kim-long"),
    )
    services.complete_request(actor=staff, request=old_request, outcome="Đã gửi bản sao.")
    DataRequest.objects.filter(pk=old_request.pk).update(closed_at=now - 6 * YEAR)
    open_request = services.file_request(
        actor=staff,
        kind=RequestKind.SEE,
        text="Cho xem.",
        name="Cô",
        email="co@example.vn",
        org=world.org("kim-long"),
    )
    DataRequest.objects.filter(pk=open_request.pk).update(received_at=now - 9 * YEAR)
    admin = world.users["admin"]
    breach = dict(
        actor=admin,
        org=world.org("tam-duong"),
        detected_at=now - timedelta(hours=1),
        description="Lộ danh sách.",
        data_kinds="Họ tên",
    )
    old_breach = services.close_breach(
        actor=admin, breach=services.record_breach(**breach), measures="Đã khắc phục."
    )
    Breach.objects.filter(pk=old_breach.pk).update(
        detected_at=now - 7 * YEAR, closed_at=now - 6 * YEAR
    )
    open_breach = services.record_breach(**breach)
    Breach.objects.filter(pk=open_breach.pk).update(detected_at=now - 9 * YEAR)
    return {
        "old_consent": old_consent,
        "young_consent": young_consent,
        "kept_consent": kept_consent,
        "old_request": old_request,
        "open_request": open_request,
        "old_breach": old_breach,
        "open_breach": open_breach,
    }


def _last_id() -> int:
    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


def test_run_erases_and_anonymises_what_is_due(world, aged, own_register):
    since = _last_id()
    run = services.run_retention(actor=None)
    assert run.counts == {"privacy.breaches": 1, "privacy.consents": 1, "privacy.requests": 1}
    assert run.failures == {} and not run.dry_run
    assert not ConsentRecord.objects.filter(pk=aged["old_consent"].pk).exists()
    assert (
        ConsentRecord.objects.filter(
            pk__in=[aged["young_consent"].pk, aged["kept_consent"].pk]
        ).count()
        == 2
    )
    request = DataRequest.objects.get(pk=aged["old_request"].pk)
    assert (request.requester_name, request.requester_email) == ("", "")
    assert request.text == services.ANONYMISED and request.outcome == services.ANONYMISED
    assert request.anonymised_at is not None and request.kind == RequestKind.SEE
    assert DataRequest.objects.get(pk=aged["open_request"].pk).requester_email == "co@example.vn"
    assert not Breach.objects.filter(pk=aged["old_breach"].pk).exists()
    assert Breach.objects.filter(pk=aged["open_breach"].pk).exists()  # open: never erased
    actions = list(
        AuditEntry.objects.filter(id__gt=since).order_by("id").values_list("action", flat=True)
    )
    assert sorted(actions[:-1]) == sorted(
        [RetentionAudit.ERASED, RetentionAudit.ERASED, RetentionAudit.ANONYMISED]
    )
    assert actions[-1] == RetentionAudit.RUN
    last = AuditEntry.objects.get(id__gt=since, action=RetentionAudit.RUN)
    assert last.after["counts"] == run.counts
    assert "dan@" not in str(last.after) and "be@" not in last.summary

    # A second run finds nothing to do.
    again = services.run_retention(actor=None)
    assert again.total == 0
    assert DataRequest.objects.get(pk=aged["old_request"].pk).anonymised_at == request.anonymised_at


def test_nothing_is_due_before_its_time(world, aged, own_register):
    run = services.run_retention(actor=None, now=timezone.now() - 3 * YEAR)
    assert run.total == 0
    assert ConsentRecord.objects.filter(pk=aged["old_consent"].pk).exists()


def test_as_of_a_later_time_more_is_due(world, aged, own_register):
    run = services.run_retention(actor=None, now=timezone.now() + 4 * YEAR)
    assert run.counts["privacy.consents"] == 2  # the one withdrawn two years ago too


def test_dry_run_counts_and_changes_nothing(world, aged, own_register):
    since = _last_id()
    run = services.run_retention(actor=None, dry_run=True)
    assert run.dry_run and run.total == 3
    assert ConsentRecord.objects.filter(pk=aged["old_consent"].pk).exists()
    assert DataRequest.objects.get(pk=aged["old_request"].pk).anonymised_at is None
    assert list(AuditEntry.objects.filter(id__gt=since).values_list("action", flat=True)) == [
        RetentionAudit.RUN
    ]


def test_a_declared_activity_runs_and_a_failing_one_does_not_stop_it(
    world, purpose, declare, own_register
):
    """An app's own step: erase the test purpose's consents older than a year, audited."""
    fresh = _consent(world, purpose)
    stale = _consent(world, purpose)
    ConsentRecord.objects.filter(pk=stale.pk).update(given_at=timezone.now() - 2 * YEAR)

    def newsletter(now, actor):
        due = ConsentRecord.objects.filter(purpose=purpose.code, given_at__lt=now - YEAR)
        ids = list(due.values_list("pk", flat=True))
        due.delete()
        if ids:
            audit.record(
                actor=actor,
                action=RetentionAudit.ERASED,
                object_type="test.newsletter",
                summary=f"Xóa {len(ids)} đăng ký bản tin",
            )
        return len(ids)

    def broken(now, actor):
        ConsentRecord.objects.all().delete()  # rolled back with its savepoint
        raise RuntimeError("dan@example.vn")  # its text is never logged nor stored

    declare(
        privacy.Processing(
            code="test.newsletter",
            name="Bản tin",
            purpose="Gửi bản tin",
            subjects="Bạn đọc",
            data=("Email",),
            legal_basis="Đồng ý",
            recipients="Không",
            retention=privacy.Retention(period="1 năm", run=newsletter, action="erase"),
        )
    )
    declare(
        privacy.Processing(
            code="test.broken",
            name="Hỏng",
            purpose="-",
            subjects="-",
            data=(),
            legal_basis="-",
            recipients="-",
            retention=privacy.Retention(period="-", run=broken),
        )
    )
    declare(
        privacy.Processing(  # no retention step: in the register, not in the run
            code="test.kept",
            name="Giữ",
            purpose="-",
            subjects="-",
            data=(),
            legal_basis="-",
            recipients="-",
        )
    )
    run = services.run_retention(actor=world.users["admin"])
    assert run.counts["test.newsletter"] == 1
    assert run.failures == {"test.broken": "RuntimeError"}
    assert "test.kept" not in run.counts
    assert set(ConsentRecord.objects.values_list("pk", flat=True)) == {fresh.pk}
    entry = AuditEntry.objects.filter(action=RetentionAudit.RUN).latest("id")
    assert "test.broken" in entry.summary and "dan@" not in str(entry.after)
    assert entry.actor == world.users["admin"]
    assert services.run_retention(actor=None).counts["test.newsletter"] == 0


def test_the_command_as_of_a_day(world, aged, own_register):
    out = StringIO()
    at = (timezone.localdate() + timedelta(days=1)).strftime("%Y-%m-%d")
    call_command("retention", "--at", at, "--dry-run", stdout=out)
    text = out.getvalue()
    assert "Chạy thử" in text and "privacy.consents" in text and "Tổng: 3 bản ghi." in text
    assert ConsentRecord.objects.filter(pk=aged["old_consent"].pk).exists()
    call_command("retention", "--at", at, stdout=out)
    assert not ConsentRecord.objects.filter(pk=aged["old_consent"].pk).exists()
    run = RetentionRun.objects.latest("id")
    assert timezone.localtime(run.at).strftime("%Y-%m-%d") == at and run.total == 3
    with pytest.raises(CommandError):
        call_command("retention", "--at", "31/02/2030", stdout=out)


def test_the_command_prints_the_register(world):
    out = StringIO()
    call_command("retention", "--register", stdout=out)
    text = out.getvalue()
    for code in ("privacy.consents", "privacy.requests", "privacy.breaches"):
        assert f"[{code}]" in text
    assert "Thời hạn lưu:" in text and "Cơ sở pháp lý:" in text
    assert not RetentionRun.objects.exists()
