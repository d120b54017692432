from civic.meetings.seats import free_seats, promotions, waiting_position


def test_free_seats_are_the_lowest_untaken():
    assert free_seats(4, [2, 3]) == [1, 4]
    assert free_seats(2, [1, 2]) == []


def test_the_first_waiting_get_the_free_seats_in_order():
    assert promotions(3, [1], [11, 12, 13]) == [(11, 2), (12, 3)]
    assert promotions(2, [1, 2], [11]) == []


def test_waiting_position_is_one_based():
    assert waiting_position([5, 9], 9) == 2
    assert waiting_position([5, 9], 1) is None
