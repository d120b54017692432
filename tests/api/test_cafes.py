"""Cafés' published harvests in the API and as open data: published harvests of published
processes only, notes without who wrote them."""

import csv
import io

from civic.cafe import services


def test_lists_only_published_harvests(client, cafes):
    items = client.get("/api/v1/cafes").json["items"]
    assert [c["id"] for c in items] == [cafes.published.id]
    for cafe in (cafes.unpublished, cafes.hidden):
        answer = client.get(f"/api/v1/cafes/{cafe.id}")
        assert answer.status_code == 404
        assert answer.content_type == "application/problem+json"


def test_a_harvest_has_questions_tables_and_notes(client, cafes):
    answer = client.get(f"/api/v1/cafes/{cafes.published.id}")
    assert answer.status_code == 200
    harvest = answer.json
    assert harvest["title"] == "公開カフェ" and harvest["mode"] == "topic"
    assert harvest["published_at"].endswith("+00:00")
    assert [(t["number"], t["topic"]) for t in harvest["tables"]] == [(1, "公園"), (2, "図書館")]
    notes = [n for t in harvest["tables"] for n in t["notes"]]
    assert sorted(n["text"] for n in notes) == ["公開されたメモ0", "公開されたメモ1"]
    assert [n["key_idea"] for n in notes].count(True) == 1
    assert set(notes[0]) == {"id", "round", "text", "key_idea"}
    text = answer.get_data(as_text=True)
    assert "secret-link" not in text and "名前の秘密" not in text
    again = client.get(answer.request.path, headers={"If-None-Match": answer.headers["ETag"]})
    assert again.status_code == 304


def test_withdrawing_takes_the_harvest_out_at_once(client, cafes):
    url = f"/api/v1/cafes/{cafes.published.id}"
    assert client.get(url).status_code == 200
    services.withdraw_harvest(cafes.published, None)
    assert client.get(url).status_code == 404
    assert client.get("/api/v1/cafes").json["items"] == []


def test_updated_since_reads_when_the_harvest_was_published(client, cafes):
    assert client.get("/api/v1/cafes?updated_since=2999-01-01T00:00:00Z").json["items"] == []
    assert len(client.get("/api/v1/cafes?updated_since=2000-01-01T00:00:00Z").json["items"]) == 1
    assert client.get("/api/v1/cafes?updated_since=nonsense").status_code == 400


def test_the_open_data_holds_every_published_note(client, cafes):
    answer = client.get("/open-data/cafe_harvests.csv")
    assert answer.status_code == 200
    rows = list(csv.DictReader(io.StringIO(answer.data.decode("utf-8-sig"))))
    assert sorted(r["text"] for r in rows) == ["公開されたメモ0", "公開されたメモ1"]
    assert {r["topic"] for r in rows} == {"公園", "図書館"}
    assert {r["key_idea"] for r in rows} == {"true", "false"}
    assert "秘密" not in answer.data.decode("utf-8-sig")


def test_a_note_that_looks_like_a_formula_is_text_in_the_csv(client, world, make_user):
    from tests.api.conftest import cafe_in

    cafe_in(world.process, make_user(roles=("facilitator",)), ("ゲスト", "ゲスト2"),
            "式のカフェ", "=HYPERLINK(\"http://evil.example\")")
    text = client.get("/open-data/cafe_harvests.csv").data.decode("utf-8-sig")
    assert "'=HYPERLINK" in text
