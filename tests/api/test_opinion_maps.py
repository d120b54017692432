"""Opinion maps in the API and as Polis open data: published maps only, shown statements only,
participants as numbers."""

import csv
import io
import zipfile


def test_lists_only_published_maps(client, opinion_maps):
    items = client.get("/api/v1/opinion-maps").json["items"]
    assert [m["id"] for m in items] == [opinion_maps.published.id]
    for conversation in (opinion_maps.staff_only, opinion_maps.hidden, opinion_maps.fresh):
        answer = client.get(f"/api/v1/opinion-maps/{conversation.id}")
        assert answer.status_code == 404
        assert answer.content_type == "application/problem+json"


def test_a_map_has_groups_percentages_and_common_ground(client, opinion_maps):
    answer = client.get(f"/api/v1/opinion-maps/{opinion_maps.published.id}")
    assert answer.status_code == 200
    report = answer.json
    assert report["question"] == "公園をどうする？" and report["computed_at"]
    assert len(report["groups"]) == 2 and report["participant_count"] == 21
    assert any(row["text"] == "みんなの意見" for row in report["consensus"])
    rep = report["groups"][0]["representative"][0]
    assert 0 <= rep["percent"] <= 100 and rep["repful_for"] in ("agree", "disagree")
    assert "participants" not in report and "隠された意見の秘密" not in answer.get_data(as_text=True)
    again = client.get(answer.request.path, headers={"If-None-Match": answer.headers["ETag"]})
    assert again.status_code == 304


def test_updated_since_reads_when_the_map_was_computed(client, opinion_maps):
    assert client.get("/api/v1/opinion-maps?updated_since=2999-01-01T00:00:00Z").json[
        "items"] == []
    assert client.get("/api/v1/opinion-maps?updated_since=nonsense").status_code == 400


def _csv(archive, name):
    return list(csv.reader(io.StringIO(archive.read(name).decode())))


def test_polis_export_holds_shown_statements_and_numbered_participants(client, opinion_maps):
    answer = client.get(f"/open-data/opinions/{opinion_maps.published.id}-polis.zip")
    assert answer.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(answer.data))
    comments = _csv(archive, "comments.csv")
    assert comments[0][2] == "comment-id"
    ids = {row[2] for row in comments[1:]}
    assert str(opinion_maps.secret.id) not in ids and len(ids) == 7
    assert all(row[6] == "1" for row in comments[1:])
    votes = _csv(archive, "votes.csv")
    assert {row[2] for row in votes[1:]} <= ids
    voters = {row[3] for row in votes[1:]}
    assert voters == {str(n) for n in range(20)}  # the 21st voted only on the hidden statement
    matrix = _csv(archive, "participants-votes.csv")
    assert set(matrix[0][6:]) == ids and [row[0] for row in matrix[1:]] == [
        str(n) for n in range(20)]
    assert "隠された意見の秘密" not in answer.data.decode("utf-8", "replace")
    for conversation in (opinion_maps.staff_only, opinion_maps.hidden, opinion_maps.fresh):
        assert client.get(f"/open-data/opinions/{conversation.id}-polis.zip").status_code == 404


def test_open_data_lists_the_map_and_its_dataset(client, opinion_maps):
    page = client.get("/open-data").get_data(as_text=True)
    assert "公園をどうする？" in page and "職員だけの地図の秘密" not in page
    rows = client.get("/open-data/opinion_maps.json").json
    text = str(rows)
    assert "みんなの意見" in text and "隠された意見の秘密" not in text
