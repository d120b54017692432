"""Index documents and find the ones matching a query, ranked by the weight of matched terms.

A package indexes a document on write (``index("comment", comment.id, [(comment.body, 1)])``)
and searches with ``matches("comment", query)``: a subquery of ``(id, score)`` to join with its
own table, where it applies its own visibility rules.
"""

from collections import Counter
from collections.abc import Iterable

from sqlalchemy import case, delete, func, insert, or_, select

from civic.extensions import db
from civic.search import text
from civic.search.models import SearchTerm

DOCUMENTS = {"proposal": SearchTerm.proposal_id, "comment": SearchTerm.comment_id}


def index(document: str, document_id: int, texts: Iterable[tuple[str, int]], *,
          new: bool = False) -> None:
    """Replace the document's terms; ``texts`` are (text, weight) pairs, e.g. a title counts 3×.

    ``new``: the document was just created, so it has no terms to drop yet.
    """
    column = DOCUMENTS[document]
    if not new:
        drop(document, document_id)
    weights: Counter = Counter()
    for value, weight in texts:
        for term, count in text.terms(value).items():
            weights[term] += weight * count
    if weights:
        db.session.execute(insert(SearchTerm), [
            {column.key: document_id, "term": term, "weight": weight}
            for term, weight in weights.items()])


def drop(document: str, document_id: int) -> None:
    column = DOCUMENTS[document]
    db.session.execute(delete(SearchTerm).where(column == document_id))


def matches(document: str, query: str):
    """Documents containing every term of the query, as a subquery with ``id`` and ``score``;
    None when the query has nothing to look for."""
    column = DOCUMENTS[document]
    exact, prefixes = text.query_terms(query)
    if not exact and not prefixes:
        return None
    conditions = [SearchTerm.term.in_(exact)] if exact else []
    conditions += [SearchTerm.term.like(prefix + "%") for prefix in prefixes]
    # Every query term must match; a one-character prefix counts once however many terms it hits.
    key = case(*[(SearchTerm.term.like(p + "%"), p) for p in prefixes],
               else_=SearchTerm.term) if prefixes else SearchTerm.term
    needed = len(exact) + len(prefixes)
    return (select(column.label("id"), func.sum(SearchTerm.weight).label("score"))
            .where(or_(*conditions), column.is_not(None))
            .group_by(column)
            .having(func.count(func.distinct(key)) >= needed)
            .subquery())
