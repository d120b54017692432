"""Nothing private reaches the public API: walk every endpoint and every page and look for it."""

import json

from civic.accounts import services as accounts
from civic.extensions import db
from civic.timeutil import utcnow
from tests.api.conftest import comment_on

SECRETS = ("hanako.secret@example.jp", "staff.secret@example.jp", "下書きの秘密", "相談中の秘密",
           "非公開プロセスの秘密", "隠された提案の秘密", "隠されたコメントの秘密",
           "削除されたコメントの秘密", "不適切な内容", "提出済みの秘密", "退会者の名前",
           "非公開予算の秘密", "voter-secret",
           # Public comments: opinions and their senders, and consultations not answered yet
           "意見本文", "意見者の氏名の秘密", "住所の秘密", "個人情報を含む意見の秘密", "090-1234-5678",
           "締切前の秘密", "未回答の秘密", "非公開パブコメの秘密", "非公開プロセスのパブコメの秘密",
           "pc-staff.secret",
           # Surveys: answers themselves, and surveys whose results are not public
           "自由記述の秘密", "非公開結果アンケートの秘密", "下書きアンケートの秘密",
           "非公開プロセスのアンケートの秘密",
           # Opinion maps: moderated statements and maps not public
           "隠された意見の秘密", "職員だけの地図の秘密", "非公開の問いの秘密", "未集計の問いの秘密",
           # Cafés: who took part, the tables' meeting links, harvests not published and
           # harvests in an unpublished process
           "参加者の名前の秘密", "ゲストの名前の秘密", "進行役の名前の秘密", "cafe-member.secret",
           "cafe-host.secret", "secret-link", "未公開カフェの秘密", "未公開カフェのメモの秘密",
           "非公開プロセスのカフェの秘密", "非公開プロセスのメモの秘密")


def _walk(client, url):
    """Every page of a list (or the one answer), as text with its characters unescaped."""
    texts, cursor = [], None
    while True:
        answer = client.get(url, query_string={"limit": 2, **({"cursor": cursor} if cursor else {})})
        assert answer.status_code == 200, url
        texts.append(json.dumps(answer.json, ensure_ascii=False))
        cursor = answer.json.get("next_cursor") if isinstance(answer.json, dict) else None
        if cursor is None:
            return texts


def test_no_private_data_on_any_endpoint(client, world, budgets, results, opinion_maps, cafes,
                                         make_user, make_process, make_proposal):
    staff = make_user(email="staff.secret@example.jp", roles=("staff",), name="職員")
    batch, codes = accounts.issue_codes(world.area, 3, "letter", 30, staff)
    accounts.redeem_code(make_user(email="newcomer.secret@example.jp"), codes[0])
    leaver = make_user(name="退会者の名前")
    comment_on(world.published, leaver, "退会した人のコメント")
    leaver.deleted_at = utcnow()
    hidden_process = make_process(title="非公開プロセスの秘密", published=False)
    make_proposal(hidden_process, world.author, title="非公開プロセスの秘密の提案")
    make_proposal(world.process, world.author, title="下書きの秘密", state="draft")
    make_proposal(world.process, world.author, title="提出済みの秘密", state="submitted")
    make_proposal(world.process, world.author, title="相談中の秘密", state="consultation")
    hidden = make_proposal(world.process, world.author, title="隠された提案の秘密",
                           hidden_at=utcnow(), hidden_reason="不適切な内容")
    comment_on(world.published, world.author, "隠されたコメントの秘密", hidden_at=utcnow(),
               hidden_reason="不適切な内容")
    comment_on(world.published, world.author, "削除されたコメントの秘密", deleted_at=utcnow())
    comment_on(hidden, world.author, "隠された提案へのコメント")
    db.session.commit()

    proposal_ids = [p["id"] for page in _walk(client, "/api/v1/proposals")
                    for p in json.loads(page)["items"]]
    assert sorted(proposal_ids) == sorted([world.published.id, world.accepted.id])
    urls = ["/api/v1/areas", "/api/v1/processes", "/api/v1/proposals", "/api/v1/openapi.json",
            "/api/v1/budgets"]
    for proposal_id in proposal_ids:
        urls += [f"/api/v1/proposals/{proposal_id}", f"/api/v1/proposals/{proposal_id}/comments"]
    budget_ids = [b["id"] for page in _walk(client, "/api/v1/budgets")
                  for b in json.loads(page)["items"]]
    assert sorted(budget_ids) == sorted([budgets.published.id, budgets.voting.id])
    urls += [f"/api/v1/budgets/{budget_id}" for budget_id in budget_ids]
    consultation_ids = [c["id"] for page in _walk(client, "/api/v1/consultations")
                        for c in json.loads(page)["items"]]
    assert consultation_ids == [results.consultation.id]
    survey_ids = [s["id"] for page in _walk(client, "/api/v1/surveys")
                  for s in json.loads(page)["items"]]
    assert survey_ids == [results.survey.id]
    urls += ["/api/v1/consultations", "/api/v1/surveys",
             *(f"/api/v1/consultations/{n}" for n in consultation_ids),
             *(f"/api/v1/surveys/{n}" for n in survey_ids)]
    map_ids = [m["id"] for page in _walk(client, "/api/v1/opinion-maps")
               for m in json.loads(page)["items"]]
    assert map_ids == [opinion_maps.published.id]
    urls += ["/api/v1/opinion-maps", *(f"/api/v1/opinion-maps/{i}" for i in map_ids)]
    cafe_ids = [c["id"] for page in _walk(client, "/api/v1/cafes")
                for c in json.loads(page)["items"]]
    assert cafe_ids == [cafes.published.id]
    urls += ["/api/v1/cafes", *(f"/api/v1/cafes/{i}" for i in cafe_ids)]
    everything = "\n".join(text for url in urls for text in _walk(client, url))

    assert "みんなの意見" in everything and "公園をどうする？" in everything
    assert "公開されたメモ0" in everything and "公開されたメモ1" in everything
    assert "賛成です。ベンチがほしい。" in everything and "退会した人のコメント" in everything
    assert "公園整備計画の区の考え方" in everything and "公園アンケート" in everything
    for secret in (*SECRETS, "newcomer.secret", batch, *codes, *(code.replace("-", "") for code in codes)):
        assert secret not in everything, secret
    # "email" is a channel of public comments, counted (by_channel): never a field with text.
    assert '"email": "' not in everything and "@example.jp" not in everything
    assert "hidden_reason" not in everything
    assert client.get(f"/api/v1/proposals/{hidden.id}").status_code == 404
    assert client.get(f"/api/v1/proposals/{hidden.id}/comments").status_code == 404
    for conversation in (opinion_maps.staff_only, opinion_maps.hidden, opinion_maps.fresh):
        assert client.get(f"/api/v1/opinion-maps/{conversation.id}").status_code == 404
    for cafe in (cafes.unpublished, cafes.hidden):
        assert client.get(f"/api/v1/cafes/{cafe.id}").status_code == 404


def test_unanswered_private_and_draft_results_are_not_found(client, results):
    from civic.consultations.models import Consultation
    from civic.surveys.models import Survey

    for model, url, public in ((Consultation, "/api/v1/consultations/{}", results.consultation),
                               (Survey, "/api/v1/surveys/{}", results.survey)):
        for other in db.session.scalars(db.select(model).where(model.id != public.id)):
            answer = client.get(url.format(other.id))
            assert answer.status_code == 404 and answer.mimetype == "application/problem+json"
        assert client.get(url.format(public.id)).status_code == 200
