"""Vocabulary of the demo world: people's names, places and the units of Tam Dương in 2016.

Plain data only, so that the generator stays readable. The 13 communes and the town are the
real units of 31/12/2016; villages, residential groups and agency names are plausible,
not an official register.
"""

# (family name, weight): Nguyễn dominates, as it does in the Red River delta; Khổng is a
# family typical of Vĩnh Phúc.
FAMILY_NAMES = (
    ("Nguyễn", 36),
    ("Trần", 9),
    ("Lê", 7),
    ("Phạm", 6),
    ("Hoàng", 5),
    ("Phan", 3),
    ("Vũ", 4),
    ("Đặng", 2),
    ("Bùi", 3),
    ("Đỗ", 4),
    ("Hồ", 1),
    ("Ngô", 2),
    ("Dương", 3),
    ("Lý", 1),
    ("Khổng", 3),
    ("Lưu", 2),
    ("Tạ", 2),
    ("Đào", 2),
    ("Trịnh", 1),
    ("Kim", 1),
    ("Hà", 2),
    ("Chu", 1),
    ("Văn", 1),
)
# Sán Dìu families (Tam Dương has Sán Dìu villages in the north-east communes).
SAN_DIU_FAMILY_NAMES = (
    ("Lý", 4),
    ("Diệp", 3),
    ("Trương", 2),
    ("Lam", 2),
    ("Dương", 2),
    ("Lưu", 2),
    ("Tạ", 1),
    ("Hoàng", 1),
)
SAN_DIU_COMMUNES = ("dao-tu", "dong-tinh", "hoang-hoa")

MALE_MIDDLE = (
    ("Văn", 40),
    ("Đức", 8),
    ("Minh", 6),
    ("Quang", 5),
    ("Hữu", 5),
    ("Xuân", 4),
    ("Công", 4),
    ("Mạnh", 3),
    ("Tiến", 3),
    ("Thanh", 3),
    ("Ngọc", 3),
    ("Duy", 2),
    ("Trọng", 2),
    ("Kim", 1),
    ("Đình", 4),
    ("Bá", 2),
    ("Việt", 2),
)
FEMALE_MIDDLE = (
    ("Thị", 60),
    ("Thu", 5),
    ("Ngọc", 4),
    ("Thanh", 4),
    ("Minh", 3),
    ("Hồng", 4),
    ("Phương", 2),
    ("Kim", 3),
    ("Thúy", 2),
    ("Bích", 2),
    ("Hải", 1),
)
MALE_GIVEN = (
    "Hùng", "Dũng", "Tuấn", "Minh", "Hải", "Nam", "Long", "Sơn", "Thắng", "Cường", "Quang",
    "Bình", "Hòa", "Toàn", "Trung", "Tiến", "Thành", "Phong", "Khánh", "Lâm", "Hưng", "Đức",
    "Huy", "Vinh", "Chiến", "Tài", "Lợi", "Thịnh", "Khải", "Hiếu", "Đạt", "Kiên", "Tú",
    "Việt", "Thuận", "Quyết", "Trường", "Hoàn", "Hợp", "Tuyên", "Lực", "Khoa", "Thái",
    "Phúc", "Hiển", "Nghĩa", "Tâm", "Thủy", "Sáng", "Chính", "Đông", "Giang", "Hạnh", "Kỳ",
    "Luận", "Mạnh", "Ninh", "Phương", "Quân", "Sinh", "Thao", "Uy", "Văn", "Xuân", "Yên",
    "Bảo", "Công", "Doanh", "Điệp", "Hậu", "Học", "Khang", "Lộc", "Nhân", "Quý", "Tùng",
)  # fmt: skip
FEMALE_GIVEN = (
    "Hương", "Lan", "Hoa", "Mai", "Hạnh", "Hằng", "Thủy", "Nga", "Hà", "Huyền", "Yến",
    "Trang", "Linh", "Thảo", "Loan", "Dung", "Liên", "Nhung", "Oanh", "Phượng", "Thu", "Vân",
    "Quyên", "Tâm", "Hiền", "Thúy", "Xuân", "Hồng", "Ngọc", "Chi", "Giang", "Duyên", "Lý",
    "Bích", "Hậu", "Huệ", "Lụa", "Lương", "Minh", "Nguyệt", "Nhàn", "Phương", "Quế", "Sen",
    "Tuyết", "Tươi", "Uyên", "Vui", "Anh", "Châm", "Đào", "Gấm", "Khuyên", "Lệ", "Ánh",
)  # fmt: skip

# The 13 grassroots committees of communes and the town on 31/12/2016:
# (code, unit word, name, number of sub-cells, founding year of the party organisation).
COMMUNES = (
    ("hop-hoa", "thị trấn", "Hợp Hòa", 18, 1946),
    ("kim-long", "xã", "Kim Long", 19, 1947),
    ("huong-dao", "xã", "Hướng Đạo", 22, 1946),
    ("dao-tu", "xã", "Đạo Tú", 17, 1948),
    ("an-hoa", "xã", "An Hòa", 16, 1947),
    ("hoang-hoa", "xã", "Hoàng Hoa", 18, 1947),
    ("dong-tinh", "xã", "Đồng Tĩnh", 20, 1946),
    ("hoang-lau", "xã", "Hoàng Lâu", 14, 1948),
    ("van-hoi", "xã", "Vân Hội", 12, 1949),
    ("hop-thinh", "xã", "Hợp Thịnh", 15, 1947),
    ("duy-phien", "xã", "Duy Phiên", 17, 1946),
    ("thanh-van", "xã", "Thanh Vân", 19, 1947),
    ("hoang-dan", "xã", "Hoàng Đan", 16, 1948),
)
# The institutional cells every commune committee has besides its villages:
# (code suffix, name pattern, sector, age profile, size range).
COMMUNE_INSTITUTIONS = (
    ("co-quan", "Chi bộ Cơ quan {unit} {name}", "agency", "working", (16, 24)),
    ("quan-su", "Chi bộ Quân sự {unit} {name}", "armed_forces", "armed", (5, 9)),
    ("mam-non", "Chi bộ Trường Mầm non {name}", "school", "working", (5, 10)),
    ("tieu-hoc", "Chi bộ Trường Tiểu học {name}", "school", "working", (6, 12)),
    ("thcs", "Chi bộ Trường THCS {name}", "school", "working", (6, 13)),
)
# First villages named in the shared test world, kept for recognisability.
KIM_LONG_FIRST_VILLAGES = ("Đồng Bông", "Gia Du")
VILLAGE_NAMES = (
    "Đồng Giếng", "Ngọc Thụ", "Quang Hà", "Đồng Chùa", "Cầu Tre", "Đồng Lạc", "Đồng Tâm",
    "Đông Thịnh", "Tân Phú", "An Lập", "Phú Hậu", "Vĩnh Thịnh", "Xuân Đán", "Đồng Mới",
    "Yên Thượng", "Yên Hạ", "Lũng Ngoại", "Lũng Nội", "Đồng Rừng", "Đồng Dinh", "Đồng Cói",
    "Bàn Giản", "Vĩnh Ninh", "Đại Đồng", "Thanh Lanh", "Tân Lập", "Hợp Lễ", "Đồng Kho",
    "Phù Liễn", "Đông Lộc", "Tây Lộc", "Trại Mới", "Đồng Vàng", "Đình Ấm", "Cổ Ấm",
    "Hữu Thủ", "Ngọc Liễn", "Mai Sơn", "Đồng Thịnh", "Xuân Trường", "Đồng Sơn", "Dược Hạ",
    "Dược Thượng", "Hương Ngọc", "Hương Đà", "Đồng Pheo", "Tân Thành", "Vĩnh Phú", "Đồng Hóc",
    "Tam Hồng", "Đồng Lính", "Bảo Phác", "Phan Lãng", "Nội Cửa", "Gò Dài", "Ấp Đồn",
    "Núi Đinh", "Thượng Lập", "Hạ Lập", "Cẩm Trạch", "Đông Mai", "Xuân Mai", "Trung Mầu",
    "Đồng Cả", "Thanh Giã", "Đồng Gia", "Nga Hoàng", "Lực Điền", "Yên Lương", "Mỹ Ca",
    "Gia Thượng", "Gia Hạ", "Đạo Hoàng", "Cầu Giát", "Bảo Chúc", "Đồng Bùa", "Làng Hà",
    "Vân Tập", "Kiền Sơn", "Hòa Sơn", "Đồng Lạng", "Đồng Trũng", "Chấn Hưng", "Phú Ninh",
    "Thọ Lão", "Đồng Quế", "Trung Nguyên", "Tiên Lữ", "Quan Tử", "Ngũ Kiên", "Lạc Ý",
    "Phú Đa", "Đồng Trại", "An Thịnh", "Bình Long", "Minh Tân", "Hòa Bình", "Quyết Tiến",
    "Thống Nhất", "Quyết Thắng", "Tiền Phong", "Đoàn Kết", "Đồng Khánh", "Long Sơn",
)  # fmt: skip
RESIDENTIAL_GROUP_NAMES = (
    "Đông Hòa", "Tây Hòa", "Nam Hòa", "Bắc Hòa", "Đoàn Kết", "Hợp Thành", "Phú Thịnh",
    "Chợ Vàng", "Đồng Tâm", "Bảo Phác", "Hòa Bình", "Tân Phú", "Thống Nhất",
)  # fmt: skip

# The 4 agency grassroots committees and their 23 sub-cells:
# (code, name, founded, [(sub-cell code, name, age profile, size range)]).
AGENCY_COMMITTEES = (
    (
        "co-quan-dang-doan-the",
        "Đảng bộ Cơ quan Khối Đảng - Đoàn thể huyện",
        (1997, 1, 2),
        (
            ("cqdt-van-phong-huyen-uy", "Chi bộ Văn phòng Huyện ủy", "working", (9, 13)),
            ("cqdt-ban-to-chuc", "Chi bộ Ban Tổ chức Huyện ủy", "working", (6, 9)),
            ("cqdt-ubkt", "Chi bộ Ủy ban Kiểm tra Huyện ủy", "working", (9, 11)),
            (
                "cqdt-tuyen-giao-dan-van",
                "Chi bộ Ban Tuyên giáo - Dân vận Huyện ủy",
                "working",
                (7, 10),
            ),
            ("cqdt-mttq", "Chi bộ Ủy ban MTTQ Việt Nam huyện", "working", (5, 8)),
            ("cqdt-doan-the", "Chi bộ Khối Đoàn thể huyện", "working", (8, 12)),
        ),
    ),
    (
        "co-quan-chinh-quyen",
        "Đảng bộ Cơ quan Chính quyền huyện",
        (1997, 1, 2),
        (
            ("cqcq-van-phong", "Chi bộ Văn phòng HĐND và UBND huyện", "working", (9, 13)),
            ("cqcq-tai-chinh-ke-hoach", "Chi bộ Phòng Tài chính - Kế hoạch", "working", (5, 8)),
            ("cqcq-noi-vu", "Chi bộ Phòng Nội vụ", "working", (4, 7)),
            (
                "cqcq-tai-nguyen-moi-truong",
                "Chi bộ Phòng Tài nguyên và Môi trường",
                "working",
                (5, 8),
            ),
            ("cqcq-kinh-te-ha-tang", "Chi bộ Phòng Kinh tế - Hạ tầng", "working", (5, 8)),
            (
                "cqcq-nong-nghiep",
                "Chi bộ Phòng Nông nghiệp và Phát triển nông thôn",
                "working",
                (5, 8),
            ),
            ("cqcq-giao-duc", "Chi bộ Phòng Giáo dục và Đào tạo", "working", (6, 9)),
            (
                "cqcq-lao-dong-tbxh",
                "Chi bộ Phòng Lao động - Thương binh và Xã hội",
                "working",
                (4, 7),
            ),
        ),
    ),
    (
        "quan-su-huyen",
        "Đảng bộ Quân sự huyện",
        (1997, 1, 2),
        (
            ("qs-chi-huy", "Chi bộ Chỉ huy", "armed", (7, 10)),
            ("qs-tham-muu", "Chi bộ Tham mưu", "armed", (9, 13)),
            ("qs-chinh-tri", "Chi bộ Chính trị", "armed", (7, 10)),
            ("qs-hau-can-ky-thuat", "Chi bộ Hậu cần - Kỹ thuật", "armed", (8, 12)),
        ),
    ),
    (
        "cong-an-huyen",
        "Đảng bộ Công an huyện",
        (1997, 1, 2),
        (
            ("ca-tham-muu-chinh-tri", "Chi bộ Tham mưu - Chính trị", "armed", (9, 12)),
            ("ca-an-ninh", "Chi bộ An ninh", "armed", (9, 13)),
            ("ca-canh-sat-hinh-su", "Chi bộ Cảnh sát điều tra", "armed", (10, 15)),
            ("ca-canh-sat-giao-thong", "Chi bộ Cảnh sát giao thông - Trật tự", "armed", (9, 14)),
            ("ca-hau-can-tam-giam", "Chi bộ Hậu cần và Nhà tạm giữ", "armed", (6, 10)),
        ),
    ),
)

# The 33 grassroots cells directly under the district committee:
# (code, name, sector, founded (y, m, d), size range).
GRASSROOTS_CELLS = (
    ("toa-an", "Chi bộ Tòa án nhân dân huyện", "agency", (1997, 1, 2), (8, 12)),
    ("vien-kiem-sat", "Chi bộ Viện Kiểm sát nhân dân huyện", "agency", (1997, 1, 2), (8, 12)),
    ("thi-hanh-an", "Chi bộ Chi cục Thi hành án dân sự huyện", "agency", (1997, 3, 1), (6, 10)),
    ("chi-cuc-thue", "Chi bộ Chi cục Thuế huyện", "agency", (1997, 1, 2), (12, 22)),
    ("kho-bac", "Chi bộ Kho bạc Nhà nước huyện", "agency", (1997, 1, 2), (6, 11)),
    ("chi-cuc-thong-ke", "Chi bộ Chi cục Thống kê huyện", "agency", (1997, 1, 2), (4, 7)),
    ("bao-hiem-xa-hoi", "Chi bộ Bảo hiểm xã hội huyện", "agency", (1997, 6, 1), (7, 12)),
    ("ngan-hang-csxh", "Chi bộ Phòng Giao dịch Ngân hàng Chính sách xã hội huyện", "agency", (2003, 6, 1), (6, 10)),
    ("quan-ly-thi-truong", "Chi bộ Đội Quản lý thị trường huyện", "agency", (1997, 6, 1), (5, 8)),
    ("thpt-tam-duong", "Chi bộ Trường THPT Tam Dương", "school", (1997, 1, 2), (16, 27)),
    ("thpt-tran-hung-dao", "Chi bộ Trường THPT Trần Hưng Đạo", "school", (1997, 1, 2), (14, 25)),
    ("thpt-tam-duong-2", "Chi bộ Trường THPT Tam Dương II", "school", (2001, 9, 1), (10, 20)),
    ("thcs-tam-duong", "Chi bộ Trường THCS Tam Dương", "school", (2008, 8, 15), (8, 14)),
    ("gdnn-gdtx", "Chi bộ Trung tâm Giáo dục nghề nghiệp - Giáo dục thường xuyên huyện", "school", (1997, 9, 1), (6, 11)),
    ("trung-tam-y-te", "Chi bộ Trung tâm Y tế huyện", "public_unit", (1997, 1, 2), (14, 25)),
    ("benh-vien", "Chi bộ Bệnh viện Đa khoa huyện", "public_unit", (1997, 1, 2), (15, 27)),
    ("van-hoa-the-thao", "Chi bộ Trung tâm Văn hóa - Thông tin - Thể thao huyện", "public_unit", (1997, 6, 1), (5, 9)),
    ("dai-truyen-thanh", "Chi bộ Đài Truyền thanh huyện", "public_unit", (1997, 6, 1), (4, 7)),
    ("ban-qlda", "Chi bộ Ban Quản lý dự án đầu tư xây dựng huyện", "public_unit", (2005, 4, 1), (6, 10)),
    ("phat-trien-quy-dat", "Chi bộ Trung tâm Phát triển quỹ đất huyện", "public_unit", (2008, 3, 1), (4, 7)),
    ("khuyen-nong", "Chi bộ Trạm Khuyến nông huyện", "public_unit", (1997, 6, 1), (4, 6)),
    ("thu-y", "Chi bộ Trạm Thú y huyện", "public_unit", (1997, 6, 1), (4, 7)),
    ("bao-ve-thuc-vat", "Chi bộ Trạm Trồng trọt và Bảo vệ thực vật huyện", "public_unit", (1997, 6, 1), (4, 6)),
    ("dan-so-khhgd", "Chi bộ Trung tâm Dân số - Kế hoạch hóa gia đình huyện", "public_unit", (2008, 1, 2), (4, 7)),
    ("dang-ky-dat-dai", "Chi bộ Chi nhánh Văn phòng Đăng ký đất đai huyện", "public_unit", (2009, 7, 1), (4, 8)),
    ("dien-luc", "Chi bộ Điện lực Tam Dương", "enterprise", (1997, 4, 1), (10, 18)),
    ("buu-dien", "Chi bộ Bưu điện huyện Tam Dương", "enterprise", (1997, 1, 2), (4, 7)),
    ("vien-thong", "Chi bộ Trung tâm Viễn thông Tam Dương", "enterprise", (2008, 1, 2), (5, 9)),
    ("viettel", "Chi bộ Chi nhánh Viettel Tam Dương", "enterprise", (2010, 1, 4), (4, 8)),
    ("agribank", "Chi bộ Ngân hàng Nông nghiệp và Phát triển nông thôn chi nhánh Tam Dương", "enterprise", (1997, 1, 2), (9, 16)),
    ("thuy-loi", "Chi bộ Xí nghiệp Thủy lợi Tam Dương", "enterprise", (1997, 6, 1), (6, 11)),
    ("quy-tin-dung", "Chi bộ Quỹ Tín dụng nhân dân Hợp Hòa", "enterprise", (2000, 5, 1), (4, 6)),
    ("moi-truong-do-thi", "Chi bộ Công ty cổ phần Môi trường và Dịch vụ đô thị Tam Dương", "enterprise", (2006, 8, 1), (4, 7)),
)  # fmt: skip

# Occupations by age profile and the kind of unit.
OCCUPATIONS = {
    "village": ("Nông dân", "Nông dân", "Nông dân", "Kinh doanh tự do", "Công nhân", "Cán bộ thôn"),
    "village_retired": ("Hưu trí", "Hưu trí", "Nông dân", "Cựu chiến binh"),
    "residential_group": ("Kinh doanh tự do", "Công nhân", "Cán bộ tổ dân phố", "Công chức"),
    "agency": ("Công chức", "Công chức", "Viên chức"),
    "school": ("Giáo viên", "Giáo viên", "Giáo viên", "Cán bộ quản lý giáo dục", "Nhân viên"),
    "public_unit": ("Viên chức", "Viên chức", "Bác sĩ", "Y sĩ", "Điều dưỡng", "Kỹ thuật viên"),
    "enterprise": ("Kỹ sư", "Công nhân", "Nhân viên", "Cán bộ quản lý"),
    "armed_forces": ("Sĩ quan quân đội", "Quân nhân chuyên nghiệp"),
    "police": ("Sĩ quan công an", "Hạ sĩ quan công an"),
}  # fmt: skip
QUALIFICATIONS = {
    "village": ("", "", "", "Sơ cấp", "Trung cấp"),
    "working": ("Đại học", "Đại học", "Đại học", "Cao đẳng", "Trung cấp", "Thạc sĩ"),
    "armed": ("Đại học", "Cao đẳng", "Trung cấp"),
}
