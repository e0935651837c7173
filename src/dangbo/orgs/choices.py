from django.db import models
from django.utils.translation import gettext_lazy as _

from dangbo.core.choices import AuditEvent


class OrgKind(models.TextChoices):
    CENTRAL = "central", _("Trung ương")
    PROVINCE_COMMITTEE = "province_committee", _("Đảng bộ tỉnh")
    DISTRICT_COMMITTEE = "district_committee", _("Đảng bộ huyện")
    COMMUNE_COMMITTEE = "commune_committee", _("Đảng bộ xã/phường trực thuộc tỉnh")
    BLOC_COMMITTEE = "bloc_committee", _("Đảng bộ khối / cấp trên cơ sở")
    GRASSROOTS_COMMITTEE = "grassroots_committee", _("Đảng bộ cơ sở")
    GRASSROOTS_CELL = "grassroots_cell", _("Chi bộ cơ sở")
    BRANCH_COMMITTEE = "branch_committee", _("Đảng bộ bộ phận")
    SUB_CELL = "sub_cell", _("Chi bộ trực thuộc")
    PARTY_GROUP = "party_group", _("Tổ đảng")


GRASSROOTS_KINDS = (OrgKind.GRASSROOTS_COMMITTEE, OrgKind.GRASSROOTS_CELL)
CELL_KINDS = (OrgKind.GRASSROOTS_CELL, OrgKind.SUB_CELL)
UPPER_KINDS = (
    OrgKind.CENTRAL,
    OrgKind.PROVINCE_COMMITTEE,
    OrgKind.DISTRICT_COMMITTEE,
    OrgKind.COMMUNE_COMMITTEE,
    OrgKind.BLOC_COMMITTEE,
)

# Which kinds may sit directly under which (rule 4 and the Charter's levels).
ALLOWED_PARENTS: dict[str, tuple[str, ...]] = {
    OrgKind.CENTRAL: (),
    OrgKind.PROVINCE_COMMITTEE: (OrgKind.CENTRAL,),
    OrgKind.DISTRICT_COMMITTEE: (OrgKind.PROVINCE_COMMITTEE,),
    OrgKind.COMMUNE_COMMITTEE: (OrgKind.PROVINCE_COMMITTEE,),
    OrgKind.BLOC_COMMITTEE: (OrgKind.PROVINCE_COMMITTEE, OrgKind.CENTRAL),
    OrgKind.GRASSROOTS_COMMITTEE: UPPER_KINDS,
    OrgKind.GRASSROOTS_CELL: UPPER_KINDS,
    OrgKind.BRANCH_COMMITTEE: (OrgKind.GRASSROOTS_COMMITTEE,),
    OrgKind.SUB_CELL: (OrgKind.GRASSROOTS_COMMITTEE, OrgKind.BRANCH_COMMITTEE),
    OrgKind.PARTY_GROUP: CELL_KINDS,
}


class Sector(models.TextChoices):
    COMMUNE = "commune", _("Xã")
    TOWN = "town", _("Thị trấn")
    WARD = "ward", _("Phường")
    AGENCY = "agency", _("Cơ quan")
    ENTERPRISE = "enterprise", _("Doanh nghiệp")
    SCHOOL = "school", _("Trường học")
    PUBLIC_UNIT = "public_unit", _("Đơn vị sự nghiệp")
    ARMED_FORCES = "armed_forces", _("Lực lượng vũ trang")
    VILLAGE = "village", _("Thôn")
    RESIDENTIAL_GROUP = "residential_group", _("Tổ dân phố")
    TERRITORIAL = "territorial", _("Địa phương (tỉnh, huyện)")
    OTHER = "other", _("Khác")


RESIDENTIAL_SECTORS = (Sector.VILLAGE, Sector.RESIDENTIAL_GROUP)


class OrgEventKind(models.TextChoices):
    ESTABLISH = "establish", _("Thành lập")
    DISSOLVE = "dissolve", _("Giải thể / kết thúc hoạt động")
    RENAME = "rename", _("Đổi tên")
    MERGE = "merge", _("Hợp nhất / sáp nhập")
    SPLIT = "split", _("Chia tách")
    REPARENT = "reparent", _("Chuyển trực thuộc")


class BodyType(models.TextChoices):
    EXECUTIVE = "executive_committee", _("Ban Chấp hành")
    STANDING = "standing_committee", _("Ban Thường vụ")
    PERMANENT = "permanent_board", _("Thường trực")
    INSPECTION = "inspection_committee", _("Ủy ban Kiểm tra")
    CELL = "cell_committee", _("Chi ủy")


class FormedBy(models.TextChoices):
    ELECTED = "elected", _("Bầu")
    APPOINTED = "appointed", _("Chỉ định")


class Title(models.TextChoices):
    SECRETARY = "secretary", _("Bí thư")
    PERMANENT_DEPUTY = "permanent_deputy_secretary", _("Phó Bí thư Thường trực")
    DEPUTY = "deputy_secretary", _("Phó Bí thư")
    STANDING_MEMBER = "standing_member", _("Ủy viên Ban Thường vụ")
    COMMITTEE_MEMBER = "committee_member", _("Cấp ủy viên")
    INSPECTION_CHAIR = "inspection_chair", _("Chủ nhiệm UBKT")
    INSPECTION_DEPUTY = "inspection_deputy", _("Phó Chủ nhiệm UBKT")
    INSPECTION_MEMBER = "inspection_member", _("Ủy viên UBKT")
    CELL_COMMITTEE_MEMBER = "cell_committee_member", _("Chi ủy viên")
    GROUP_LEADER = "group_leader", _("Tổ trưởng tổ đảng")
    GROUP_DEPUTY = "group_deputy", _("Tổ phó tổ đảng")


class AppointMethod(models.TextChoices):
    ELECTED = "elected", _("Bầu")
    APPOINTED = "appointed", _("Chỉ định")
    APPROVED = "approved", _("Chuẩn y")


class OrgAudit(AuditEvent):
    ESTABLISHED = "org.established", _("Thành lập tổ chức đảng")
    RENAMED = "org.renamed", _("Đổi tên tổ chức đảng")
    REPARENTED = "org.reparented", _("Chuyển tổ chức đảng sang cấp trên khác")
    BODY_CREATED = "org.body_created", _("Lập cấp ủy, ban thường vụ")
    POSITION_ENDED = "org.position_ended", _("Thôi giữ chức vụ")
    PARTNER_CREATED = "org.partner_created", _("Thêm cơ quan phối hợp")
    PARTNER_CHANGED = "org.partner_changed", _("Sửa cơ quan phối hợp")
    PARTNER_LEAD = "org.partner_lead", _("Đổi tổ chức đảng lãnh đạo cơ quan phối hợp")
    PARTNER_ENDED = "org.partner_ended", _("Kết thúc cơ quan phối hợp")


class PartnerKind(models.TextChoices):
    """Bodies outside the Party tree that programs name as leads or partners (issue 14)."""

    PARTY_DEPARTMENT = "ban_dang", _("Ban, cơ quan tham mưu của cấp ủy")
    GOVERNMENT = "chinh_quyen", _("Ủy ban nhân dân")
    GOVERNMENT_OFFICE = "co_quan_cq", _("Cơ quan chuyên môn của chính quyền")
    COUNCIL = "hdnd", _("Hội đồng nhân dân")
    FRONT = "mttq", _("Mặt trận Tổ quốc")
    FARMERS = "hoi_nong_dan", _("Hội Nông dân")
    WOMEN = "hoi_phu_nu", _("Hội Liên hiệp Phụ nữ")
    YOUTH = "doan_thanh_nien", _("Đoàn Thanh niên")
    VETERANS = "hoi_ccb", _("Hội Cựu chiến binh")
    TRADE_UNION = "cong_doan", _("Công đoàn")
    OTHER = "khac", _("Cơ quan, đơn vị khác")
