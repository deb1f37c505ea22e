"""The comparison rule itself: loose by one unit of the last digit shown, strict beyond it."""

from __future__ import annotations

import pytest
from printed import Shown, after, first_difference, line_difference, numbers, says, shows, unquoted_line


@pytest.mark.parametrize(
    ("token", "unit"),
    [
        ("0.02636", 1e-5),
        ("-68.8063", 1e-4),
        ("7.73e+37", 1e35),
        ("3.24e-05", 1e-7),
        ("433", 0),
        ("22.33", 0.01),
    ],
)
def test_the_unit_is_that_of_the_last_digit_shown(token, unit):
    assert Shown(token).unit == pytest.approx(unit, rel=1e-12, abs=0)


@pytest.mark.parametrize(
    ("printed", "value", "agrees"),
    [
        ("-68.8063", -68.8064, True),  # one unit: another CPU adds up in another order
        ("-68.8063", -68.806351, True),  # the unrounded value, on the rounding edge
        ("-68.8063", -68.8065, False),  # two units
        ("-68.8063", -68.8063 * 1.01, False),  # 1 %
        ("0.2994", 0.299390, True),
        ("0.2995", 0.299390, True),  # one unit from 0.2994, which 0.299390 rounds to
        ("0.2996", 0.299390, False),
        ("7.73e+37", 7.73382e37, True),
        ("7.74e+37", 7.73382e37, True),
        ("7.75e+37", 7.73382e37, False),
        ("433", 433, True),
        ("433", 434, False),  # a count is exact
        ("-0.0000", 0.0, True),
    ],
)
def test_a_printed_number_agrees_within_one_unit_of_its_last_digit(printed, value, agrees):
    assert shows(Shown(printed), value) is agrees


def test_two_printed_numbers_are_compared_at_the_coarser_precision():
    assert shows(Shown("0.1198"), Shown("0.119756"))
    assert not shows(Shown("0.1210"), Shown("0.119756"))


def test_numbers_are_read_with_their_signs_and_without_dashes():
    assert [n.token for n in numbers("epochs 401-500: -0.0255, [[-1.3931]] 7.73e+37 x2 (4, 1)")] == [
        "401", "500", "-0.0255", "-1.3931", "7.73e+37", "2", "4", "1",
    ]  # fmt: skip


def test_a_value_is_found_by_its_label_whatever_the_spacing():
    text = "start: weight = 0.7645\nSGD  (lr 0.01): weight 5.0155\n  weight (z)      5.636 5.636\n"
    assert after(text, "SGD (lr") == [0.01, 5.0155]
    assert after(text, "weight (z)") == [5.636, 5.636]
    with pytest.raises(AssertionError, match="no line begins with 'weights'"):
        after(text, "weights")


@pytest.mark.parametrize(
    ("expected", "actual", "why"),
    [
        ("weight      5.0155    5.0410", "weight      5.0156    5.0410", None),
        ("weight      5.0155    5.0410", "weight      5.0157    5.0410", "5.0155 expected, 5.0157 printed"),
        ("weight      5.0155", "weights     5.0155", "the words differ"),
        ("weight      5.0155", "weight 5.0155", "moved"),  # a quoted line keeps its layout
        ("gap      -0.0000 min", "gap       0.0000 min", None),  # right-aligned: the sign's column may go
        ("loss -0.0001 (best)", "loss 0.0000 (best)", None),  # and what follows moves with the number
        ("loss 0.1 (best)", "loss 0.1  (best)", "the layout differs"),
    ],
)
def test_lines_agree_number_by_number_word_by_word_and_column_by_column(expected, actual, why):
    found = line_difference(expected, actual)
    assert (found is None) if why is None else (why in found), found


def test_the_first_difference_names_the_line_and_both_values():
    expected = "=== 1 ===\nloss 0.0264\nstep 7.73e+37\n"
    assert first_difference(expected, expected.replace("0.0264", "0.0265")) is None
    found = first_difference(expected, expected.replace("7.73e+37", "7.80e+37"))
    assert found.startswith("line 3: 7.73e+37 expected, 7.80e+37 printed")
    assert "2 lines expected, 3 lines printed" in first_difference("a\nb", "a\nb\nc")


def test_a_quote_must_be_printed_in_order_with_elisions():
    printed = "a 1.00\nb 2.00\nc 3.00\nd 4.00\n"
    assert unquoted_line(["a 1.00", "...", "c 3.01"], printed) is None
    assert "3.05" in unquoted_line(["a 1.00", "...", "c 3.05"], printed)
    assert "no printed line has its words" in unquoted_line(["c 3.00", "b 2.00"], printed)  # out of order


def test_a_phrase_in_prose_may_wrap_and_its_numbers_follow_the_rule():
    prose = "the exact line has a weight of 5.0410\nand a bias of 1.9100 minutes"
    assert says(prose, "a weight of {} and a bias of {}", 5.04100, 1.9101) is None
    assert "with ('5.0410', '1.9100')" in says(prose, "a weight of {} and a bias of {}", 5.0510, 1.91)
    assert "never says" in says(prose, "a slope of {}", 5.041)
