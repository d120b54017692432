"""Property-based requests from the OpenAPI description against a live server: no answer is a
server error or strays from what the description promises (Schemathesis)."""

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance


def test_answers_keep_to_the_description(live_server, world, budgets, results, opinion_maps,
                                          cafes):
    schema = schemathesis.openapi.from_url(f"{live_server}/api/v1/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 15

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case):
            # A cursor is opaque: a schema cannot say which strings are ours, so a made-up one
            # is rightly refused (400) although it is "a string".
            case.call_and_validate(excluded_checks=[positive_data_acceptance])

        check()
