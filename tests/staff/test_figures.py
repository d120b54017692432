from datetime import date

from civic.staff.figures import Row, bars, every_week, monday


def test_weeks_start_on_monday_and_quiet_weeks_are_filled_in():
    assert monday(date(2026, 11, 29)) == date(2026, 11, 23)  # a Sunday
    assert monday(date(2026, 11, 30)) == date(2026, 11, 30)
    busy = Row(2, {"proposals": 1, "supports": 1, "comments": 0, "ballots": 0})
    weeks = every_week({date(2026, 11, 2): busy, date(2026, 11, 23): busy})
    assert [week for week, _row in weeks] == [date(2026, 11, 2), date(2026, 11, 9),
                                              date(2026, 11, 16), date(2026, 11, 23)]
    assert [row.people for _week, row in weeks] == [2, 0, 0, 2]
    assert every_week({}) == []


def test_bars_fill_the_box_and_small_values_stay_visible():
    shown = bars([0, 1, 1000], width=300, height=100, gap=0)
    assert [(b.x, b.width) for b in shown] == [(0, 100), (100, 100), (200, 100)]
    assert [b.height for b in shown] == [0, 1.0, 100]
    assert shown[2].y == 0 and shown[0].y == 100
    assert bars([], 300, 100) == [] and bars([0, 0], 10, 10)[0].height == 0
