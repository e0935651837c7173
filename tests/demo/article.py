"""The figures the Tam Dương demo must reproduce, kept as the project's own test data.

Source: Báo Vĩnh Phúc, 20/03/2017, "Tam Dương đổi mới phương thức lãnh đạo của Đảng"
(Hoàng Nga). Only the facts and numbers are kept here, not the article's text; the tests
read nothing outside the repository.
"""

from datetime import date

SOURCE = "Báo Vĩnh Phúc"
TITLE = "Tam Dương đổi mới phương thức lãnh đạo của Đảng"
PUBLISHED = date(2017, 3, 20)

# "trên 5.470 đảng viên": more than this many members.
MEMBERS_OVER = 5470

# 50 grassroots organisations = 13 commune/town committees + 4 agency committees
# + 33 cells directly under the district committee.
GRASSROOTS = 50
COMMUNE_COMMITTEES = 13  # communes and the town together
AGENCY_COMMITTEES = 4
GRASSROOTS_CELLS = 33

# 246 sub-cells = 223 under the 13 commune/town committees + 23 under the 4 agency ones.
SUB_CELLS = 246
COMMUNE_SUB_CELLS = 223
AGENCY_SUB_CELLS = 23

# 2016: organisations the district standing committee recognised "trong sạch, vững mạnh"
# (TSVM) or TSVM exemplary; cells exemplary five years running; members who completed their
# tasks excellently five years running (2012–2016).
REVIEW_YEAR = 2016
TSVM_OR_EXEMPLARY = 25
EXEMPLARY_5_YEARS_CELLS = 2
EXCELLENT_5_YEARS_MEMBERS = 26
STREAK_YEARS = (2012, 2013, 2014, 2015, 2016)

# Not (yet) modelled by the demo, kept for completeness.
ADMIN_REFORM_SHARE_OF_COMMUNES = 1.0  # administrative reform in 100% of communes and towns
GROWTH_2016_OVER_2015_ABOVE = 0.10  # production value grew by more than 10%
NEW_RURAL_COMMUNES = (9, 12)  # 9 of 12 communes at the new-rural standard
