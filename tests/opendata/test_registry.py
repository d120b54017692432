"""The dataset registry: what a package declares is checked when it registers."""

import pytest

from civic.opendata.registry import Column, Dataset, datasets, get, register


def _dataset(name="sample", rows=lambda: [{"id": 1, "title": "公園"}]):
    return Dataset(name=name, title="Sample", description="",
                   columns=(Column("id", "integer", "ID", "Identifier"),
                            Column("title", "string", "件名", "Title"),
                            Column("missing", "string", "なし", "Absent")), rows=rows)


def test_records_follow_the_columns_and_leave_missing_keys_empty():
    assert list(_dataset().records()) == [(1, "公園", None)]


def test_refuses_unknown_types_names_and_a_second_owner():
    with pytest.raises(ValueError):
        Column("id", "int", "ID", "Identifier")
    with pytest.raises(ValueError):
        _dataset(name="../etc")
    assert get("proposals") is not None
    with pytest.raises(ValueError):
        register(_dataset(name="proposals"))


def test_the_api_resources_are_registered_in_order():
    names = [d.name for d in datasets()]
    assert names[:4] == ["areas", "processes", "phases", "proposals"]
    assert {"progress_updates", "budgets", "budget_projects"} <= set(names)
