"""The generated OpenAPI description is valid 3.1 and every answer matches its schema."""

import pytest
from jsonschema import Draft202012Validator

ROUTES = ["/api/v1/areas", "/api/v1/processes", "/api/v1/proposals", "/api/v1/proposals/{id}",
          "/api/v1/proposals/{id}/comments", "/api/v1/budgets", "/api/v1/budgets/{budget_id}",
          "/api/v1/consultations", "/api/v1/consultations/{consultation_id}",
          "/api/v1/surveys", "/api/v1/surveys/{survey_id}",
          "/api/v1/opinion-maps", "/api/v1/opinion-maps/{conversation_id}",
          "/api/v1/cafes", "/api/v1/cafes/{cafe_id}"]


@pytest.fixture
def spec(client):
    return client.get("/api/v1/openapi.json").json


def _validator(spec, path, status="200", media="application/json"):
    template = path.replace("{id}", "{proposal_id}")
    schema = spec["paths"][template]["get"]["responses"][status]["content"][media]["schema"]
    # The components travel with the schema so that its $refs resolve against the document.
    return Draft202012Validator({**schema, "components": spec["components"]})


def test_describes_every_endpoint_as_openapi_3_1(spec):
    assert spec["openapi"] == "3.1.0"
    assert set(spec["paths"]) == {route.replace("{id}", "{proposal_id}") for route in ROUTES}
    parameters = {p["name"] for p in spec["paths"]["/api/v1/proposals"]["get"]["parameters"]}
    assert parameters == {"limit", "cursor", "updated_since", "process_id"}
    for schema in spec["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("path", ROUTES)
def test_answers_match_the_schema(client, world, budgets, results, opinion_maps, cafes, spec,
                                  path):
    answer = client.get(path.format(id=world.accepted.id, budget_id=budgets.published.id,
                                    consultation_id=results.consultation.id,
                                    survey_id=results.survey.id,
                                    conversation_id=opinion_maps.published.id,
                                    cafe_id=cafes.published.id))
    assert answer.status_code == 200
    _validator(spec, path).validate(answer.json)
    # The schema is strict enough to notice a missing or unexpected field.
    if isinstance(answer.json.get("items"), list) and answer.json["items"]:
        broken = {**answer.json, "items": [{**answer.json["items"][0], "email": "x@example.jp"}]}
        assert not _validator(spec, path).is_valid(broken)


def test_problems_match_the_schema(client, world, spec):
    answer = client.get("/api/v1/proposals?limit=abc")
    _validator(spec, "/api/v1/proposals", "400", "application/problem+json").validate(answer.json)
    missing = client.get("/api/v1/proposals/999999")
    _validator(spec, "/api/v1/proposals/{id}", "404",
               "application/problem+json").validate(missing.json)
