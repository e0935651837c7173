"""The demo's annual reviews 2012–2016 under the TSVM schemes, shaped to the article: in 2016
the district standing committee recognised 25 grassroots organisations as clean and strong
(TSVM) or exemplary; 2 cells were exemplary five years running and 26 members completed
their duties excellently five years in a row (2012–2016). Plus the standing committee's 2016
self-criticism under Resolution 4 (term XI) with its remedy groups.

Bulk path (one transaction, one audit entry for the whole load): decided results are written
directly, with the chain's steps for the organisations (the members' 27,000 results carry
their decision, not a step history).
"""

import random
from collections import defaultdict
from datetime import UTC, date

from dangbo.members.choices import MembershipKind
from dangbo.members.models import Membership
from dangbo.orgs.choices import GRASSROOTS_KINDS, OrgKind
from dangbo.orgs.models import Organisation
from dangbo.reviews.choices import EvaluationState, PeriodKind, Subject
from dangbo.reviews.models import (
    Evaluation,
    EvaluationStep,
    Remedy,
    RemedyGroup,
    ReviewCycle,
    Shortcoming,
)
from dangbo.reviews.rules import PeerGroup
from dangbo.reviews.schemes import load as load_schemes
from dangbo.reviews.services import scheme_for

YEARS = range(2012, 2017)
DISTRICT = "tam-duong"
RECOGNISED_2016 = 25  # TSVM or exemplary, decided by the district standing committee
EXEMPLARY_CELLS = 2  # grassroots cells exemplary every year 2012–2016
EXCELLENT_MEMBERS = 26  # members excellent every year 2012–2016
BATCH = 2000

SELF_CRITICISM = [
    (
        "Nâng cao chất lượng sinh hoạt chi bộ và công tác quản lý đảng viên",
        [
            "Nội dung sinh hoạt của một số chi bộ thôn còn đơn điệu, chưa sát thực tế.",
            "Việc quản lý đảng viên đi làm ăn xa có lúc chưa chặt chẽ.",
        ],
        [
            (
                "Ban hành hướng dẫn nội dung sinh hoạt chuyên đề hằng quý",
                "Ban Tổ chức Huyện ủy",
                date(2017, 3, 31),
            ),
            (
                "Rà soát, cập nhật danh sách đảng viên đi làm ăn xa",
                "Các đảng ủy xã, thị trấn",
                date(2017, 6, 30),
            ),
        ],
    ),
    (
        "Ngăn chặn suy thoái về tư tưởng chính trị, đạo đức, lối sống",
        [
            "Một bộ phận cán bộ, đảng viên còn ngại va chạm, tự phê bình và phê bình chưa thẳng thắn."
        ],
        [
            (
                "Tổ chức kiểm điểm tự phê bình và phê bình gắn với trách nhiệm người đứng đầu",
                "Ban Thường vụ Huyện ủy",
                date(2017, 12, 31),
            )
        ],
    ),
    (
        "Đổi mới phương thức lãnh đạo, sát cơ sở",
        ["Việc giải quyết một số ý kiến của nhân dân qua các tổ công tác còn chậm."],
        [
            (
                "Theo dõi, đôn đốc giải quyết ý kiến quá hạn hằng tháng",
                "Văn phòng Huyện ủy",
                date(2017, 6, 30),
            ),
            (
                "Công khai kết quả giải quyết ý kiến tại các chi bộ thôn, tổ dân phố",
                "Các đảng ủy xã, thị trấn",
                date(2017, 9, 30),
            ),
        ],
    ),
]


def _locked(year: int):
    """Past cycles are locked once decided (2016's on 30/12/2016)."""
    from datetime import datetime

    return datetime(year, 12, 30, 10, 0, tzinfo=UTC)


def _levels(scheme) -> dict[str, object]:
    return {lv.code: lv for lv in scheme.levels.all()}


def write(seed: int) -> dict[str, int]:
    load_schemes()  # a fresh install's schemes, whatever was done to the tables
    rng = random.Random(seed * 7 + 2016)
    district = Organisation.objects.get(code=DISTRICT)
    grassroots = list(
        Organisation.objects.filter(district.subtree_q(), kind__in=GRASSROOTS_KINDS).order_by(
            "path"
        )
    )
    cells = [o for o in grassroots if o.kind == OrgKind.GRASSROOTS_CELL]
    star_cells = {o.pk for o in rng.sample(cells, EXEMPLARY_CELLS)}
    grassroots_of = {}
    for org in Organisation.objects.filter(district.subtree_q()).exclude(pk=district.pk):
        ids = [int(p) for p in org.path.split(".") if p]
        grassroots_of[org.pk] = next(
            (i for i in reversed(ids) if i in {g.pk for g in grassroots}), None
        )
    by_pk = {o.pk: o for o in grassroots}
    # Where each member was at the end of each year.
    at_year_end: dict[int, dict[int, int]] = defaultdict(dict)
    for member_id, org_id, start, end, ceremony in Membership.objects.filter(
        kind=MembershipKind.OFFICIAL,
        org__path__gte=district.path,
        org__path__lt=district.subtree_upper,
    ).values_list(
        "member_id", "org_id", "valid_from", "valid_to", "member__admission_ceremony_date"
    ):
        for year in YEARS:
            day = date(year, 12, 31)
            if start <= day and (end is None or end >= day) and ceremony <= day:
                at_year_end[year][member_id] = org_id
    always = sorted(m for m in at_year_end[2012] if all(m in at_year_end[y] for y in YEARS))
    star_members = set(rng.sample(always, EXCELLENT_MEMBERS))

    evaluations, org_rows, history = [], [], defaultdict(list)
    excellent: dict[int, set[int]] = defaultdict(set)
    for year in YEARS:
        cycle = ReviewCycle.objects.create(
            org=district,
            kind=PeriodKind.YEAR,
            year=year,
            period_start=date(year, 1, 1),
            period_end=date(year, 12, 31),
            org_scheme=scheme_for(Subject.ORGANISATION, year),
            member_scheme=scheme_for(Subject.MEMBER, year),
            opens_on=date(year, 11, 15),
            closes_on=date(year + 1, 1, 31),
            locked_at=_locked(year),
        )
        org_levels = _levels(cycle.org_scheme)
        member_levels = _levels(cycle.member_scheme)
        # Organisations: the stars exemplary; the 2016 count of TSVM or better is the article's.
        others = [o for o in grassroots if o.pk not in star_cells]
        rng.shuffle(others)
        recognised = RECOGNISED_2016 if year == 2016 else rng.randint(21, 27)
        n_exemplary = rng.randint(4, 6)
        ranked = []
        for i, org in enumerate(others):
            if i < n_exemplary:
                code = "tsvm_tieu_bieu"
            elif i < recognised - EXEMPLARY_CELLS:
                code = "tsvm"
            else:
                code = rng.choice(("htt",) * 5 + ("ht",) * 2 + (("yeu_kem",) if i == 47 else ()))
            # No other cell may reach five exemplary years: the article counts two.
            if (
                code == "tsvm_tieu_bieu"
                and year == 2016
                and len(history[org.pk]) == 4
                and all(c == "tsvm_tieu_bieu" for c in history[org.pk])
            ):
                code = "tsvm"
            ranked.append((org, code))
        ranked += [(by_pk[pk], "tsvm_tieu_bieu") for pk in sorted(star_cells)]
        for org, code in ranked:
            history[org.pk].append(code)
            level = org_levels[code]
            e = Evaluation(
                cycle=cycle,
                scheme=cycle.org_scheme,
                subject_org=org,
                org=org,
                peer_group=PeerGroup(DISTRICT, org.sector).key(),
                state=EvaluationState.DECIDED,
                self_level=level,
                proposed_level=level,
                proposed_by=district,
                final_level=level,
                final_common_rank=level.common_rank,
                decided_by=district,
                decided_body="standing_committee",
                decided_on=date(year, 12, 28),
                decision_ref=f"{year - 2000 + 100}-QĐ/HU",
            )
            org_rows.append(e)
        # Members: 26 excellent every year; others excellent at random but never five in a row.
        for member_id, org_id in sorted(at_year_end[year].items()):
            if member_id in star_members:
                code = "dtc_htxs"
            else:
                r = rng.random()
                code = (
                    "dtc_htxs"
                    if r < 0.12
                    else "dtc_htt"
                    if r < 0.83
                    else "dtc_ht"
                    if r < 0.99
                    else "vi_pham"
                )
                if (
                    code == "dtc_htxs"
                    and year == 2016
                    and all(y in excellent[member_id] for y in range(2012, 2016))
                ):
                    code = "dtc_htt"  # the article counts 26, no more
            if code == "dtc_htxs":
                excellent[member_id].add(year)
            level = member_levels[code]
            deciding = by_pk.get(grassroots_of.get(org_id)) or by_pk.get(org_id)
            evaluations.append(
                Evaluation(
                    cycle=cycle,
                    scheme=cycle.member_scheme,
                    member_id=member_id,
                    org_id=org_id,
                    peer_group=PeerGroup(deciding.code).key(),
                    state=EvaluationState.DECIDED,
                    self_level=level,
                    proposed_level=level,
                    proposed_by_id=org_id,
                    final_level=level,
                    final_common_rank=level.common_rank,
                    decided_by=deciding,
                    decided_body="grassroots_committee",
                    decided_on=date(year, 12, 20),
                )
            )
    Evaluation.objects.bulk_create(org_rows, batch_size=BATCH)
    Evaluation.objects.bulk_create(evaluations, batch_size=BATCH)
    EvaluationStep.objects.bulk_create(
        [
            EvaluationStep(
                evaluation=e, action=action, level=e.final_level, org=org, actor_name="dữ liệu mẫu"
            )
            for e in org_rows
            for action, org in (
                ("self_assessed", e.subject_org),
                ("proposed", district),
                ("decided", district),
            )
        ],
        batch_size=BATCH,
    )
    _self_criticism(district)
    return {"evaluations": len(org_rows) + len(evaluations), "cycles": len(YEARS)}


def _self_criticism(district: Organisation) -> None:
    cycle = ReviewCycle.objects.get(org=district, year=2016, kind=PeriodKind.YEAR)
    for position, (title, shortcomings, remedies) in enumerate(SELF_CRITICISM):
        group = RemedyGroup.objects.create(
            cycle=cycle, org=district, title=title, position=position
        )
        Shortcoming.objects.bulk_create(Shortcoming(group=group, text=t) for t in shortcomings)
        Remedy.objects.bulk_create(
            Remedy(group=group, text=text, owner=owner, deadline=deadline)
            for text, owner, deadline in remedies
        )
