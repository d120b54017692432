"""/open-data: the datasets, their files, the pabulib download and the zip built by a command."""

import csv
import io
import json
import zipfile

from civic.opendata import registry, services
from tests.api.test_leaks import SECRETS


def test_page_lists_every_dataset_with_licence_and_both_languages(client, world):
    page = client.get("/open-data", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    for dataset in registry.datasets():
        assert f"/open-data/{dataset.name}.csv" in page
    assert "CC BY 4.0" in page and "賛同数" in page and "Number of supports" in page
    assert "/open-data/civic-open-data.zip" not in page  # not built yet


def test_csv_has_a_bom_and_defuses_formulas(client, world, make_proposal):
    make_proposal(world.process, world.author, title="=HYPERLINK(\"http://evil\")",
                  published_at=world.published.published_at)
    answer = client.get("/open-data/proposals.csv")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert answer.data.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(answer.data.decode("utf-8-sig"))))
    titles = {row["title"] for row in rows}
    assert "公園のベンチ" in titles and "'=HYPERLINK(\"http://evil\")" in titles
    assert {row["support_count"] for row in rows if row["title"] == "公園のベンチ"} == {"3"}


def test_json_matches_the_api(client, world):
    data = client.get("/open-data/proposals.json").json
    assert data["licence"]["name"] == "CC BY 4.0"
    api = client.get("/api/v1/proposals").json["items"]
    assert [r["id"] for r in data["rows"]] == [p["id"] for p in api]
    assert [c["name"] for c in data["columns"]][:3] == ["id", "process_id", "area_id"]


def test_comments_dataset_holds_only_what_the_api_shows(client, world):
    from civic.timeutil import utcnow
    from tests.api.conftest import comment_on

    comment_on(world.published, world.author, "隠されたコメントの秘密", hidden_at=utcnow(),
               hidden_reason="不適切な内容")
    rows = client.get("/open-data/comments.json").json["rows"]
    assert [(r["proposal_id"], r["body"], r["author"]) for r in rows] == [
        (world.published.id, "賛成です。ベンチがほしい。", "花子")]


def test_unknown_dataset_or_format_is_not_found(client, world):
    assert client.get("/open-data/users.csv").status_code == 404
    assert client.get("/open-data/proposals.xlsx").status_code == 404
    assert client.get("/open-data/budgets/999999.pb").status_code == 404


def test_pabulib_only_once_results_are_published(client, budgets):
    assert client.get(f"/open-data/budgets/{budgets.voting.id}.pb").status_code == 404
    assert client.get(f"/open-data/budgets/{budgets.hidden.id}.pb").status_code == 404
    text = client.get(f"/open-data/budgets/{budgets.published.id}.pb").get_data(as_text=True)
    assert text.startswith("META") and "VOTES" in text
    assert "voter-secret" not in text
    page = client.get(f"/budgets/{budgets.published.id}/results").get_data(as_text=True)
    assert f"/open-data/budgets/{budgets.published.id}.pb" in page


def test_build_writes_the_zip_that_the_page_serves(app, client, world, budgets, cafes):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["open-data", "build"])
    assert result.exit_code == 0, result.output
    page = client.get("/open-data", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "/open-data/civic-open-data.zip" in page and "kB, built" in page
    answer = client.get("/open-data/civic-open-data.zip")
    assert answer.status_code == 200 and answer.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(answer.data))
    names = set(archive.namelist())
    assert {"proposals.csv", "proposals.json", "datapackage.json", "LICENSE.txt",
            f"pabulib/budget-{budgets.published.id}.pb"} <= names
    assert f"pabulib/budget-{budgets.voting.id}.pb" not in names
    assert json.loads(archive.read("budgets.json"))["rows"][0]["title"] == "公開予算"
    everything = "\n".join(archive.read(n).decode("utf-8") for n in names)
    assert "公開されたメモ0" in everything  # a published café's harvest (cafe_harvests)
    for secret in (*SECRETS, "hanako.secret"):
        assert secret not in everything, secret
    assert not list(services.archive_path().parent.glob(".build-*"))  # nothing half-written left
