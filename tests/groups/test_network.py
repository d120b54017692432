"""The network core: links from shared projects and activities, and the circular layout."""

import math

from civic.groups import network


def test_groups_sharing_a_project_or_an_activity_are_linked_once_per_pair():
    found = network.links({10: [1, 2, 3], 11: [1, 2]}, {20: [2, 1], 21: [3], 22: [4, 4]})
    by_pair = {(link.a, link.b): link for link in found}
    assert set(by_pair) == {(1, 2), (1, 3), (2, 3)}
    assert by_pair[(1, 2)].projects == {10, 11} and by_pair[(1, 2)].activities == {20}
    assert found[0].a == 1 and found[0].b == 2 and found[0].weight == 3  # heaviest first
    assert network.degrees(found) == {1: 2, 2: 2, 3: 2}


def test_the_circular_layout_puts_every_node_on_the_circle_inside_the_drawing():
    positions = network.circular_layout([5, 6, 7, 8], size=400, margin=100)
    assert positions[5] == (200.0, 100.0)  # the first at the top
    for x, y in positions.values():
        assert math.isclose(math.hypot(x - 200, y - 200), 100, abs_tol=0.2)
    assert positions[6][0] > 200 and positions[8][0] < 200  # clockwise
    assert network.circular_layout([], 400, 100) == {}
    assert network.circular_layout([1], 400, 100) == {1: (200, 200)}
    assert network.label_anchor(300, 200) == "start" and network.label_anchor(200, 200) == "middle"
