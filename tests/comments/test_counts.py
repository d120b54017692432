"""A proposal's comments are counted the same way in the list and on its page."""

import re

from civic.comments import services
from tests.conftest import login


def test_list_and_proposal_page_count_the_same_comments(client, make_user, make_area,
                                                        make_process, make_proposal):
    process = make_process(features=("proposals_open", "comments_open"))
    author = make_user(area=make_area())
    proposal = make_proposal(process, author)
    threads = [services.add(author, "proposal", proposal.id, f"意見{n}") for n in range(4)]
    services.add(author, "proposal", proposal.id, "返信", parent_id=threads[0].id)
    reply = services.add(author, "proposal", proposal.id, "返信の返信", parent_id=threads[0].id)
    services.add(author, "proposal", proposal.id, "別の返信", parent_id=threads[1].id)
    services.delete(reply)  # gone from both counts
    services.delete(threads[3])  # a placeholder still holds its page's place, not a comment

    listing = client.get(f"/processes/{process.slug}/proposals").text
    assert "コメント5件" in listing
    page = client.get(f"/proposals/{proposal.id}").text
    heading = re.search(r'<h2 id="comments-title">(.*?)</h2>', page, re.S).group(1)
    assert re.sub(r"<[^>]+>", "", heading).split() == ["コメント", "(5)"]

    login(client, author)  # signed-in pages are rendered apart: the same count
    assert '<span class="count">(5)</span>' in client.get(f"/proposals/{proposal.id}").text
