from zhusan.reporting.exports import HXL_CATEGORY


def test_arrival_groups_use_standard_hxl_attributes():
    assert HXL_CATEGORY["men"] == "+m+adults"
    assert HXL_CATEGORY["women"] == "+f+adults"
    assert HXL_CATEGORY["children"] == "+children"
