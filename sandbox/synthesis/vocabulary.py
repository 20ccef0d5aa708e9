"""The words synthetic people and addresses are made of."""

from __future__ import annotations

from reference_data.family_names import FAMILY_NAMES

# The sixteen most common, which most of the population holds.
COMMON_FAMILY_NAMES = FAMILY_NAMES[:16]
MALE_MIDDLE = ("Văn", "Hữu", "Đức", "Minh", "Quốc", "Công")
FEMALE_MIDDLE = ("Thị", "Thu", "Ngọc", "Thanh", "Minh", "Phương")
MALE_GIVEN = (
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Hải",
    "Hùng",
    "Khoa",
    "Long",
    "Nam",
    "Phong",
    "Quân",
    "Sơn",
    "Tài",
    "Thắng",
    "Trung",
    "Tuấn",
    "Việt",
    "Vinh",
)
FEMALE_GIVEN = (
    "Anh",
    "Chi",
    "Dung",
    "Giang",
    "Hà",
    "Hạnh",
    "Hoa",
    "Hương",
    "Lan",
    "Linh",
    "Mai",
    "Nga",
    "Ngân",
    "Oanh",
    "Phương",
    "Thảo",
    "Trang",
    "Vy",
    "Yến",
)
STREETS = (
    "Lê Lợi",
    "Trần Hưng Đạo",
    "Nguyễn Huệ",
    "Hai Bà Trưng",
    "Lý Thường Kiệt",
    "Quang Trung",
    "Hùng Vương",
    "Phan Đình Phùng",
    "Điện Biên Phủ",
)
