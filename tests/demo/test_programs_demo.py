"""The demo's programs and indicators, 2015–2017 (issue 14 item 9): the documents and what
implements what, partner bodies and who leads them, the programs' trees and progress, and
the figures of the article through ``dangbo stats`` and the stats API."""

import json
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count, Q
from django.test import Client

from dangbo.core.models import AuditEntry, LegalDocument
from dangbo.core.services import issue_token
from dangbo.demo import indicators as demo_indicators
from dangbo.indicators.models import NtmAssessment, NtmRecognition, Observation, Target
from dangbo.orgs.models import Organisation, PartnerBody, PartnerLead
from dangbo.programs.choices import TaskStatus
from dangbo.programs.models import Program, ProgressReport, Task, TaskCoordinator
from dangbo.programs.queries import progress_as_of
from tests.support import built_for_module, load_demo


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo loaded once for the module by ``dangbo demo --no-serve``, rolled back after."""
    with built_for_module(django_db_blocker, load_demo):
        yield


def _stats(as_of: str) -> dict:
    out = StringIO()
    call_command("stats", "tam-duong", "--as-of", as_of, "--json", stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.django_db
def test_the_article_figures_through_dangbo_stats(demo):
    end_2016 = _stats("2016-12-31")
    figures = end_2016["indicators"]
    assert figures["year"] == 2016
    assert figures["production_value_growth_pct"] > 10
    assert figures["admin_reform"] == {"units": 13, "met": 13, "pct": 100.0}
    programs = end_2016["programs"]
    assert programs["year"] == 2016 and programs["programs"] == 4
    assert 55 <= programs["tasks"] <= 65
    assert 0 < programs["tasks_overdue"] < programs["tasks_done"] < programs["tasks"]
    assert 50 < programs["progress_pct"] < 100

    march_2017 = _stats("2017-03-20")
    assert march_2017["indicators"]["ntm"]["communes"] == 12
    assert march_2017["indicators"]["ntm"]["met"] == 9
    # The 2016 work plan is over: three programs run in 2017.
    assert march_2017["programs"]["programs"] == 3
    # The stats API gives the same blocks (the district's office).
    key = issue_token(
        actor=None, user=get_user_model().objects.get(username="tochuc"), name="stats"
    )
    response = Client().get(
        "/api/v1/orgs/tam-duong/stats",
        {"as_of": "2017-03-20"},
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 200, response.content
    assert response.json()["indicators"] == march_2017["indicators"]
    assert response.json()["programs"] == march_2017["programs"]
    # Still one audit entry for the whole load, which says what it wrote.
    (entry,) = AuditEntry.objects.filter(action="demo.loaded")
    assert "4 chương trình, kế hoạch" in entry.summary
    assert entry.after["year_2016"]["indicators"]["ntm_recognitions"] == 11
    assert not AuditEntry.objects.filter(action__startswith="task.").exists()


@pytest.mark.django_db
def test_ntm_recognitions_follow_the_brief(demo):
    def recognised_by(day: date) -> set[str]:
        return set(
            NtmRecognition.objects.filter(recognised_on__lte=day).values_list(
                "org__code", flat=True
            )
        )

    by_march = recognised_by(date(2017, 3, 20))
    assert len(by_march) == 9 and "hop-hoa" not in by_march  # the town is not a commune
    assert {"an-hoa", "huong-dao"}.isdisjoint(by_march)
    later = recognised_by(date(2018, 12, 31)) - by_march
    assert later == {"an-hoa", "huong-dao"}
    for recognition in NtmRecognition.objects.select_related("set", "document"):
        assert recognition.document.issuer == "UBND tỉnh Vĩnh Phúc"
        ntm_set = recognition.set
        assert ntm_set.valid_from <= recognition.recognised_on
        assert ntm_set.valid_to is None or recognition.recognised_on <= ntm_set.valid_to
    # 2016's assessments: every criterion of one set for each of the 12 communes; those
    # recognised by the end of 2016 met every criterion, An Hòa and Hướng Đạo did not.
    rows = NtmAssessment.objects.filter(year=2016)
    assert rows.values("criterion__set").distinct().count() == 1
    per = dict(rows.values_list("org__code").annotate(n=Count("id", filter=Q(met=False))))
    assert len(per) == 12
    assert per["an-hoa"] > 0 and per["huong-dao"] > 0
    assert all(per[c] == 0 for c in recognised_by(date(2016, 12, 31)))


@pytest.mark.django_db
def test_documents_and_what_implements_what(demo):
    kl64 = LegalDocument.objects.get(number="64-KL/TW", issue_date=date(2013, 5, 28))
    nq17 = LegalDocument.objects.get(number="17-NQ/TW", issue_date=date(2002, 3, 18))
    assert kl64.kind == "KL" and nq17.kind == "NQ"
    assert kl64.body.code == "central"
    (kl64_program,) = kl64.implemented_by.all()
    assert kl64_program.body.code == "tam-duong" and "minh họa" in kl64_program.title
    assert Program.objects.get(document=kl64_program).kind == "action"
    assert Program.objects.filter(document__implements=nq17).count() == 1
    plan = LegalDocument.objects.get(number="15-KH/HU")
    assert plan.implements.implements.title.startswith("Nghị quyết Đại hội")
    assert LegalDocument.objects.filter(kind="QC", body__code="tam-duong").exists()
    assert all(d.search_key for d in LegalDocument.objects.filter(body__code="tam-duong"))
    # The register finds them accent-blind.
    assert LegalDocument.objects.filter(search_key__contains=" chuong trinh ").exists()


@pytest.mark.django_db
def test_partner_bodies_are_led_from_the_tree(demo):
    partners = PartnerBody.objects.all()
    assert partners.count() >= 27
    kinds = set(partners.values_list("kind", flat=True))
    assert {"chinh_quyen", "mttq", "hoi_nong_dan", "hoi_phu_nu", "ban_dang"} <= kinds
    for partner in partners:
        (lead,) = PartnerLead.objects.filter(partner=partner, valid_to__isnull=True)
        expected = partner.code.removeprefix("ubnd-")
        if Organisation.objects.filter(code=expected, parent__code="tam-duong").exists():
            assert lead.org.code == expected  # a commune's UBND: its Party committee
        else:
            assert lead.org.code == "tam-duong"


@pytest.mark.django_db
def test_program_trees_leads_and_progress(demo):
    district = Organisation.objects.get(code="tam-duong")
    tasks = Task.objects.select_related("lead_org", "lead_partner", "parent")
    assert tasks.filter(depth__gt=0).exists()
    for task in tasks:
        assert task.path.endswith(f"{task.pk}.")
        if task.parent:
            assert task.path == f"{task.parent.path}{task.pk}."
            assert task.number.startswith(task.parent.number + ".")
        if task.lead_org:
            assert task.lead_org.path.startswith(district.path)
        else:
            assert task.lead_partner.leads.filter(org__path__startswith=district.path).exists()
        if task.start and task.deadline:
            assert task.start <= task.deadline
    communes = {c[0] for c in demo_indicators.COMMUNES}
    leading = set(tasks.filter(lead_org__isnull=False).values_list("lead_org__code", flat=True))
    assert leading == communes  # every commune and town committee leads a task
    assert tasks.filter(lead_org__code="kim-long", children__isnull=True).count() >= 3
    assert TaskCoordinator.objects.count() > 20
    # Reports: quarterly, ending at the latest on 31/12/2016, never backwards.
    last = {}
    for report in ProgressReport.objects.order_by("task", "period_end", "id"):
        assert report.period_end <= date(2016, 12, 31)
        assert report.period_end.month in (3, 6, 9, 12)
        assert report.percent >= last.get(report.task_id, Decimal(0))
        last[report.task_id] = report.percent
    progress = progress_as_of(Task.objects.all(), date(2016, 12, 31))
    assert sum(1 for p in progress.values() if p.overdue) >= 3
    assert sum(1 for p in progress.values() if p.at_risk) >= 1
    assert sum(1 for p in progress.values() if p.status == TaskStatus.DONE) >= 20
    # Task.status is the state of the latest report.
    for task in tasks.filter(reports__isnull=False).distinct():
        latest = task.reports.order_by("-period_end", "-id").first()
        assert task.status == latest.status


@pytest.mark.django_db
def test_indicator_values_and_targets(demo):
    values = Observation.objects.filter(indicator__code="gia_tri_san_xuat")
    assert values.filter(org__code="tam-duong").count() == 2
    assert values.filter(year=2016).exclude(org__code="tam-duong").count() == 13
    by_year = {
        y: sum(values.filter(year=y).exclude(org__code="tam-duong").values_list("value", flat=True))
        for y in (2015, 2016)
    }
    direct = dict(values.filter(org__code="tam-duong").values_list("year", "value"))
    assert direct == by_year  # the district's own value agrees with its communes'
    assert Target.objects.filter(year=2016, org__code="tam-duong").exists()
    assert not Observation.objects.filter(
        indicator__code__startswith="cchc_", year=2016, value=0
    ).exists()
    assert Observation.objects.filter(indicator__code__startswith="cchc_", year=2015, value=0)


def test_production_values_are_deterministic():
    import random

    first = demo_indicators.production_values(random.Random(5))
    second = demo_indicators.production_values(random.Random(5))
    assert first == second
    total = [sum(v[i] for v in first.values()) for i in (0, 1)]
    assert float((total[1] / total[0] - 1) * 100) == pytest.approx(10.6, abs=0.05)
