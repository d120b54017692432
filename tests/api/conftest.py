"""A small public world for the API, beside the private and hidden things it must never show."""

from datetime import timedelta
from types import SimpleNamespace

import pytest

from civic.comments.models import Comment
from civic.extensions import db
from civic.proposals.models import ProgressUpdate
from civic.timeutil import utcnow


def comment_on(proposal, author, body, **extra):
    comment = Comment(target_type="proposal", target_id=proposal.id, author_id=author.id,
                      body=body, **extra)
    db.session.add(comment)
    db.session.commit()
    return comment


@pytest.fixture
def world(make_user, make_area, make_process, make_proposal):
    area = make_area(name="中央地区", slug="chuo")
    author = make_user(email="hanako.secret@example.jp", name="花子", area=area)
    process = make_process(title="公開プロセス", area=area)
    published = make_proposal(process, author, title="公園のベンチ", published_at=utcnow(),
                              support_count=3, comment_count=1)
    accepted = make_proposal(process, author, title="図書館の朝開館", state="in_progress",
                             published_at=utcnow() - timedelta(days=30),
                             answered_at=utcnow() - timedelta(days=10),
                             answer="予算の範囲で実施します。")
    db.session.add(ProgressUpdate(proposal_id=accepted.id, author_id=author.id, kind="update",
                                  progress=40, body="開館時間を延長しました。"))
    db.session.commit()
    comment = comment_on(published, author, "賛成です。ベンチがほしい。", stance="for")
    return SimpleNamespace(area=area, author=author, process=process, published=published,
                           accepted=accepted, comment=comment)
