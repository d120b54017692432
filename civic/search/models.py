"""The search index: one row per (document, term), kept up to date on write."""

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from civic.extensions import db


class SearchTerm(db.Model):
    """Inverted index for Japanese search: NFKC-folded bigrams and words → one document.

    A document is a proposal or a comment; exactly one of the two columns is set, and the row
    goes with its document (ON DELETE CASCADE).
    """

    __table_args__ = (
        Index("ix_search_term_term", "term", "proposal_id", "weight"),
        Index("ix_search_term_comment_term", "term", "comment_id", "weight"),
        CheckConstraint("(proposal_id IS NULL) <> (comment_id IS NULL)", name="one_document"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int | None] = mapped_column(
        ForeignKey("proposal.id", ondelete="CASCADE"), index=True)
    comment_id: Mapped[int | None] = mapped_column(
        ForeignKey("comment.id", ondelete="CASCADE"), index=True)
    term: Mapped[str] = mapped_column(String(40))
    weight: Mapped[int] = mapped_column(default=1)
