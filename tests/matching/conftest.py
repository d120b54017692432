import pytest

from civic.extensions import db


@pytest.fixture
def make_group(ctx, make_area):
    from civic.groups.models import Group, GroupMembership

    counter = iter(range(1, 10_000))

    def make(area=None, admin=None, published=True):
        n = next(counter)
        area = area or make_area()
        group = Group(slug=f"group-{n}", name=f"町会{n}", area_id=area.id, kind="neighbourhood",
                      published=published)
        db.session.add(group)
        db.session.flush()
        if admin is not None:
            db.session.add(GroupMembership(group_id=group.id, user_id=admin.id, role="admin",
                                           state="confirmed"))
        db.session.commit()
        return group

    return make
