"""Which columns of a table fit its room whole, the most wanted first."""

from __future__ import annotations

from station_console.text_columns import columns_that_fit, display_width


def test_the_most_wanted_columns_that_fit_in_table_order() -> None:
    widths = [2, 5, 15, 4, 6]  # #, time, waybill, kg, total
    # Room for #, waybill and total (2+15+6 and 2 padding each): time and kg are left out, kg (the
    # next wanted) because it no longer fits, time after it.
    assert columns_that_fit(widths, 31, wanted=[0, 2, 4, 3, 1], gap=2) == [0, 2, 4]
    assert columns_that_fit(widths, 37, wanted=[0, 2, 4, 3, 1], gap=2) == [0, 2, 3, 4]
    assert columns_that_fit(widths, 42, wanted=[0, 2, 4, 3, 1], gap=2) == [0, 1, 2, 3, 4]


def test_a_narrower_column_is_still_taken_after_a_wider_one_did_not_fit() -> None:
    assert columns_that_fit([4, 20, 3], 12, wanted=[0, 1, 2], gap=2) == [0, 2]


def test_the_first_wanted_column_shows_even_in_no_room() -> None:
    assert columns_that_fit([10, 3], 5, wanted=[0, 1]) == [0]


def test_chinese_headings_are_measured_in_terminal_columns() -> None:
    assert display_width("运单号") == 6
