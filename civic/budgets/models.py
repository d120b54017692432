"""Participatory budgets (参加型予算): budgets inside a process, their projects, and ballots.

A ballot keeps running totals (cost, points, number of projects) next to its items and a copy of
the limits that apply to it, so the database itself refuses a ballot over budget (CHECK
constraints); every change takes the ballot's row lock first (see ``services._lock_ballot``).
"""

import json
from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civic.extensions import db
from civic.timeutil import utcnow

# knapsack: total cost ≤ amount (optionally ≥ a minimum share of it); approval: min..max projects,
# cost ignored; cumulative: spread N points. ordinal, choose-1 and scoring come from imported
# pabulib elections only.
VOTING_METHODS = ("knapsack", "approval", "cumulative", "ordinal", "choose-1", "scoring")
OPEN_METHODS = ("knapsack", "approval", "cumulative")
BALLOT_STATES = ("draft", "checked_out")


class Budget(db.Model):
    __table_args__ = (
        CheckConstraint("amount >= 0", name="amount_positive"),
        CheckConstraint("min_percent >= 0 AND min_percent <= 100", name="min_percent_range"),
        CheckConstraint("min_projects >= 0", name="min_projects_positive"),
        CheckConstraint("max_projects IS NULL OR max_projects >= min_projects",
                        name="max_projects_range"),
        CheckConstraint("points IS NULL OR points >= 1", name="points_positive"),
        CheckConstraint("ballot_count >= 0", name="ballot_count_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("process.id", ondelete="CASCADE"),
                                            index=True)
    # None: the whole city; else only verified residents of this area vote.
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    amount: Mapped[int] = mapped_column(BigInteger)  # yen (or the imported file's currency)
    currency: Mapped[str] = mapped_column(String(8), default="JPY")
    voting_method: Mapped[str] = mapped_column(String(12), default="knapsack")
    rule: Mapped[str] = mapped_column(String(40), default="greedy")
    threshold: Mapped[float | None] = mapped_column(Float)  # greedy-threshold: minimum score
    tie_break: Mapped[str] = mapped_column(String(200), default="min_cost,max_votes,id")
    min_percent: Mapped[int] = mapped_column(default=0)  # knapsack: spend at least this share
    min_projects: Mapped[int] = mapped_column(default=0)  # approval (and ordinal length)
    max_projects: Mapped[int | None]
    points: Mapped[int | None]  # cumulative: points each voter spreads
    # May a checked-out ballot be reopened and changed while ballots are open?
    allow_changes: Mapped[bool] = mapped_column(default=False)
    # META of an imported pabulib file, kept so an export writes it back (JSON object).
    meta_json: Mapped[str] = mapped_column(Text, default="{}")
    # Counted ballots; bumped with every checkout, reopening or project change so a stored
    # result knows when it is stale.
    ballot_count: Mapped[int] = mapped_column(default=0)
    ballot_version: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    process = relationship("Process")
    area = relationship("Area")
    projects: Mapped[list["BudgetProject"]] = relationship(
        back_populates="budget", cascade="all, delete-orphan",
        order_by="(BudgetProject.position, BudgetProject.id)")

    @property
    def meta(self) -> dict:
        return json.loads(self.meta_json or "{}")

    @property
    def counts_cost(self) -> bool:
        return self.voting_method == "knapsack"

    @property
    def uses_points(self) -> bool:
        return self.voting_method in ("cumulative", "scoring")

    @property
    def ballot_limit(self) -> int | None:
        """The total cost a ballot may reach (knapsack only)."""
        return self.amount if self.counts_cost else None

    @property
    def min_cost(self) -> int:
        return -(-self.amount * self.min_percent // 100) if self.counts_cost else 0


class BudgetProject(db.Model):
    __table_args__ = (
        UniqueConstraint("budget_id", "code"),
        CheckConstraint("cost >= 0", name="cost_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("budget.id", ondelete="CASCADE"),
                                           index=True)
    # The project's id in pabulib files (imported, or the row id as text for our own).
    code: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    cost: Mapped[int] = mapped_column(BigInteger)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"))
    # The accepted proposal this project came from (civic.proposals).
    proposal_id: Mapped[int | None] = mapped_column(
        ForeignKey("proposal.id", ondelete="SET NULL"), index=True)
    # Other pabulib PROJECTS columns of an imported file (JSON object).
    extra_json: Mapped[str] = mapped_column(Text, default="{}")

    budget: Mapped[Budget] = relationship(back_populates="projects")
    area = relationship("Area")
    proposal = relationship("Proposal")

    @property
    def extra(self) -> dict:
        return json.loads(self.extra_json or "{}")


class Ballot(db.Model):
    """One voter's ballot in one budget: a resident's, or a voter of an imported election."""

    __table_args__ = (
        UniqueConstraint("budget_id", "user_id"),
        UniqueConstraint("budget_id", "voter_code"),
        CheckConstraint("state IN ('draft', 'checked_out')", name="state_known"),
        CheckConstraint("total_cost >= 0 AND project_count >= 0", name="totals_positive"),
        # The limits are copied from the budget so the database refuses an overrun by itself.
        CheckConstraint("cost_limit IS NULL OR total_cost <= cost_limit", name="within_budget"),
        CheckConstraint("points_limit IS NULL OR total_points <= points_limit",
                        name="within_points"),
        CheckConstraint("count_limit IS NULL OR project_count <= count_limit",
                        name="within_count"),
        Index("ix_ballot_budget_state", "budget_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("budget.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    voter_code: Mapped[str | None] = mapped_column(String(64))  # pabulib voter_id (imports)
    state: Mapped[str] = mapped_column(String(12), default="draft")
    total_cost: Mapped[int] = mapped_column(BigInteger, default=0)
    total_points: Mapped[float] = mapped_column(Float, default=0)
    project_count: Mapped[int] = mapped_column(default=0)
    cost_limit: Mapped[int | None] = mapped_column(BigInteger)
    points_limit: Mapped[float | None] = mapped_column(Float)
    count_limit: Mapped[int | None]
    # Bumped by every change: the UPDATE that does it is the ballot's row lock.
    version: Mapped[int] = mapped_column(default=0)
    receipt_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Other pabulib VOTES columns of an imported voter (JSON object).
    extra_json: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    checked_out_at: Mapped[datetime | None]

    budget: Mapped[Budget] = relationship()
    items: Mapped[list["BallotItem"]] = relationship(
        back_populates="ballot", cascade="all, delete-orphan",
        order_by="(BallotItem.position, BallotItem.id)")

    @property
    def is_checked_out(self) -> bool:
        return self.state == "checked_out"


class BallotItem(db.Model):
    """A project on a ballot; ``position`` keeps the voter's order (the ranking for ordinal)."""

    __table_args__ = (UniqueConstraint("ballot_id", "project_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballot.id", ondelete="CASCADE"))
    project_id: Mapped[int] = mapped_column(ForeignKey("budget_project.id", ondelete="CASCADE"),
                                            index=True)
    position: Mapped[int] = mapped_column(default=0)
    points: Mapped[float | None] = mapped_column(Float)

    ballot: Mapped[Ballot] = relationship(back_populates="items")
    project: Mapped[BudgetProject] = relationship()


class BudgetResult(db.Model):
    """A budget's counted result (集計結果), computed once by a job when results are due and kept.

    ``ballot_version`` is the budget's version that was counted: when it no longer matches (a
    ballot or project changed, or staff changed the rule), the result is counted again.
    """

    __table_args__ = (UniqueConstraint("budget_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("budget.id", ondelete="CASCADE"))
    ballot_version: Mapped[int]
    rule: Mapped[str] = mapped_column(String(40))
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)
    seconds: Mapped[float] = mapped_column(Float, default=0)
    # Project codes in funding order, and {code: score}: the figures the page shows first.
    selected: Mapped[list] = mapped_column(JSON, default=list)
    scores: Mapped[dict] = mapped_column(JSON, default=dict)
    # ``rules.Outcome.as_dict()``: every project's reason with its numbers (the explanations).
    outcome: Mapped[dict] = mapped_column(JSON, default=dict)

    budget: Mapped[Budget] = relationship()
