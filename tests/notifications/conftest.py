import pytest

from civic.extensions import db
from civic.proposals.models import Proposal
from civic.proposals.services import reindex


@pytest.fixture
def make_proposal(ctx):
    def make(process, author, title="公園のベンチを増やす", body="公園にベンチを置きたい。",
             state="published", **extra):
        proposal = Proposal(process_id=process.id, author_id=author.id, title=title, body=body,
                            state=state, **extra)
        db.session.add(proposal)
        db.session.flush()
        reindex(proposal)
        db.session.commit()
        return proposal

    return make
