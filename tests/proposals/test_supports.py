import threading

from sqlalchemy import func, select

from civic.extensions import db
from civic.proposals import services
from civic.proposals.models import Proposal, ProposalSettings, Support
from tests.conftest import login

FEATURES = ("supports_open", "comments_open")


def test_only_verified_residents_support_once_and_may_withdraw(
        client, make_user, make_area, make_process, make_proposal):
    area = make_area()
    process = make_process(features=FEATURES)
    proposal = make_proposal(process, make_user())
    unverified = make_user()
    login(client, unverified)
    response = client.post(f"/proposals/{proposal.id}/support")
    assert response.status_code == 302 and response.location.endswith("/verify")

    resident = make_user(area=area)
    other = type(client)(client.application)
    login(other, resident)
    other.post(f"/proposals/{proposal.id}/support")
    other.post(f"/proposals/{proposal.id}/support")
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).support_count == 1
    other.post(f"/proposals/{proposal.id}/support", data={"withdraw": "1"})
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).support_count == 0
    assert db.session.scalar(select(func.count()).select_from(Support)) == 0


def test_limit_per_person_and_threshold_moves_to_review(
        ctx, make_user, make_area, make_process, make_proposal):
    area = make_area()
    process = make_process(features=FEATURES)
    db.session.add(ProposalSettings(process_id=process.id, support_limit=1, support_threshold=2,
                                    criteria=["公益性"], categories=[]))
    db.session.commit()
    first, second = make_proposal(process, make_user()), make_proposal(process, make_user())
    alice, bob = make_user(area=area), make_user(area=area)
    services.support(alice, first)
    try:
        services.support(alice, second)
    except services.ProposalError as error:
        assert "1" in str(error)
    else:
        raise AssertionError("the limit was not enforced")
    services.support(bob, first)
    db.session.expire_all()
    assert db.session.get(Proposal, first.id).state == "evaluation"


def test_area_process_takes_supports_only_from_its_residents(
        client, make_user, make_area, make_process, make_proposal):
    home, elsewhere = make_area(), make_area()
    process = make_process(area=home, features=FEATURES)
    proposal = make_proposal(process, make_user())
    login(client, make_user(area=elsewhere))
    assert client.post(f"/proposals/{proposal.id}/support").status_code == 403


def test_concurrent_supports_count_exactly_once_each(
        app, ctx, make_user, make_area, make_process, make_proposal):
    area = make_area()
    process = make_process(features=FEATURES)
    proposal = make_proposal(process, make_user())
    people = [make_user(area=area) for _ in range(6)]
    ids = [p.id for p in people]
    proposal_id = proposal.id
    errors = []
    barrier = threading.Barrier(12, timeout=60)

    def hammer(user_id):
        with app.app_context():
            from civic.accounts.models import User

            user, target = db.session.get(User, user_id), db.session.get(Proposal, proposal_id)
            barrier.wait()
            try:
                services.support(user, target)
            except services.ProposalError:
                pass
            except Exception as error:  # noqa: BLE001
                errors.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=hammer, args=(ids[i % 6],)) for i in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    db.session.expire_all()
    rows = db.session.scalar(select(func.count()).select_from(Support))
    assert rows == 6
    assert db.session.get(Proposal, proposal_id).support_count == rows
