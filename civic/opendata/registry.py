"""The open-data datasets (オープンデータ): which ones the ward publishes and what their columns mean.

A package adds its dataset in a few lines (docs/api.md)::

    from civic.opendata.registry import Column, Dataset, register

    register(Dataset(
        name="consultations", title=_l("Consultations"), description=_l("…"),
        columns=(Column("id", "integer", "ID", "Identifier"), …),
        rows=lambda: …,            # flat dicts of public data, read through the API's services
        depends=("consultation",), # tables the rows are read from (cache and "last update")
        api="api.consultation_list"))

Pure data: no Flask, no database. Meanings are kept in Japanese and English both, because the
data dictionary shows both to everyone whatever the interface language (a researcher abroad
and a ward clerk read the same file).
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

# The JSON Schema / Table Schema types a column may have.
TYPES = ("integer", "number", "string", "boolean", "date", "datetime")


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    ja: str  # meaning in Japanese
    en: str  # meaning in English

    def __post_init__(self):
        if self.type not in TYPES:
            raise ValueError(f"column {self.name}: unknown type {self.type!r}")


@dataclass(frozen=True)
class Dataset:
    name: str  # file name and URL part: lower case, digits, underscores
    title: object  # a lazy translated string
    description: object
    columns: tuple[Column, ...]
    rows: Callable[[], Iterable[dict]] = field(compare=False)
    depends: tuple[str, ...] = ()
    api: str | None = None  # endpoint of the matching API list, if any

    def __post_init__(self):
        if not self.name or not all(c.isascii() and (c.isalnum() or c == "_") for c in self.name):
            raise ValueError(f"dataset name {self.name!r}: use a-z, 0-9 and _")

    def records(self) -> Iterator[tuple]:
        """The rows as tuples in column order (a missing key is an empty cell)."""
        names = [c.name for c in self.columns]
        for row in self.rows():
            yield tuple(row.get(name) for name in names)


_DATASETS: dict[str, Dataset] = {}


def register(dataset: Dataset) -> Dataset:
    """Add a dataset; registering one name twice is a mistake (two packages claiming a file)."""
    if dataset.name in _DATASETS and _DATASETS[dataset.name] != dataset:
        raise ValueError(f"dataset {dataset.name!r} is registered already")
    _DATASETS[dataset.name] = dataset
    return dataset


def datasets() -> list[Dataset]:
    """Every dataset, in the order they were registered."""
    return list(_DATASETS.values())


def get(name: str) -> Dataset | None:
    return _DATASETS.get(name)
