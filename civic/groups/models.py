"""Local groups and what ties them together.

- ``Group``: a 町会・自治会, NPO, school, welfare or disaster-prevention network, circle … in an area.
- ``GroupMembership``: a resident's request to be a group's admin (or member), confirmed by staff;
  only confirmed admins edit the group.
- ``GroupPlace``: the places (civic.places) where a group is active.
- ``GroupActivity``: a dated activity of a group, optionally at a place, with partner groups
  (``GroupActivityPartner``): shared activities feed the network view.
- ``GroupProject``: a group's part in an accepted 協働事業 proposal (joint project).
"""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civic.extensions import db
from civic.timeutil import utcnow

# 町会・自治会 / NPO / 学校・PTA / 福祉 / 防災 / サークル / その他
KINDS = ("neighbourhood", "npo", "school", "welfare", "disaster", "circle", "other")
# Who sees the contact details: everyone / signed-in people / verified residents of the ward /
# nobody but staff and the group's admins (the page then says to ask the ward).
CONTACT_VISIBILITY = ("public", "signed_in", "verified", "staff")
# 福祉 / 防災 / 学校・子育て / 高齢者 / 環境 / 文化・スポーツ / 防犯・交通安全 / 多文化共生 / まちづくり
THEMES = ("welfare", "disaster", "school", "elderly", "environment", "culture", "safety",
          "multicultural", "town")
MEMBERSHIP_ROLES = ("admin", "member")
MEMBERSHIP_STATES = ("requested", "confirmed", "declined", "revoked")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


class Group(db.Model):
    __tablename__ = "local_group"  # "group" is an SQL keyword
    __table_args__ = (
        CheckConstraint(_one_of("kind", KINDS), name="kind_known"),
        CheckConstraint(_one_of("contact_visibility", CONTACT_VISIBILITY),
                        name="contact_visibility_known"),
        CheckConstraint("member_count IS NULL OR member_count >= 0", name="member_count_positive"),
        Index("ix_local_group_area_kind", "area_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    summary: Mapped[str] = mapped_column(String(300), default="")  # one line: what they do
    description: Mapped[str] = mapped_column(Text, default="")  # what they do, in full
    meets: Mapped[str] = mapped_column(String(300), default="")  # 「毎月第2土曜 10時〜」
    how_to_join: Mapped[str] = mapped_column(Text, default="")
    member_count: Mapped[int | None]  # roughly, as the group says
    contact_name: Mapped[str] = mapped_column(String(120), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    contact_url: Mapped[str] = mapped_column(String(500), default="")
    contact_visibility: Mapped[str] = mapped_column(String(10), default="staff")
    published: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    area = relationship("Area")
    theme_rows: Mapped[list["GroupTheme"]] = relationship(
        back_populates="group", cascade="all, delete-orphan", lazy="selectin",
        order_by="GroupTheme.theme")
    place_rows: Mapped[list["GroupPlace"]] = relationship(
        back_populates="group", cascade="all, delete-orphan")

    @property
    def themes(self) -> list[str]:
        return [row.theme for row in self.theme_rows]


class GroupTheme(db.Model):
    """A theme a group works on; the network view is drawn per theme."""

    __table_args__ = (UniqueConstraint("group_id", "theme"),
                      CheckConstraint(_one_of("theme", THEMES), name="theme_known"),
                      Index("ix_group_theme_theme", "theme", "group_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("local_group.id", ondelete="CASCADE"))
    theme: Mapped[str] = mapped_column(String(20))

    group: Mapped[Group] = relationship(back_populates="theme_rows")


class GroupMembership(db.Model):
    """A resident's role in a group; an admin role counts only once staff confirmed it."""

    __table_args__ = (
        UniqueConstraint("group_id", "user_id"),
        CheckConstraint(_one_of("role", MEMBERSHIP_ROLES), name="role_known"),
        CheckConstraint(_one_of("state", MEMBERSHIP_STATES), name="state_known"),
        Index("ix_group_membership_state", "state", "group_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("local_group.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(10), default="admin")
    state: Mapped[str] = mapped_column(String(10), default="requested")
    message: Mapped[str] = mapped_column(String(500), default="")  # why the person asks
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    group = relationship("Group")
    user = relationship("User", foreign_keys=[user_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])


class GroupPlace(db.Model):
    """A place where a group is active (its 活動場所)."""

    __table_args__ = (UniqueConstraint("group_id", "place_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("local_group.id", ondelete="CASCADE"))
    place_id: Mapped[int] = mapped_column(ForeignKey("place.id", ondelete="CASCADE"), index=True)
    note: Mapped[str] = mapped_column(String(200), default="")  # 「毎週水曜の体操」

    group: Mapped[Group] = relationship(back_populates="place_rows")
    place = relationship("Place")


class GroupActivity(db.Model):
    """A dated activity of a group (清掃活動, 防災訓練, 見守り …), optionally at a place."""

    __table_args__ = (
        CheckConstraint("ends_at IS NULL OR ends_at >= starts_at", name="times_in_order"),
        Index("ix_group_activity_group_starts", "group_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("local_group.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime]  # naive UTC, like every timestamp
    ends_at: Mapped[datetime | None]
    place_id: Mapped[int | None] = mapped_column(ForeignKey("place.id", ondelete="SET NULL"),
                                                 index=True)
    location: Mapped[str] = mapped_column(String(200), default="")  # when not a mapped place
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    group = relationship("Group")
    place = relationship("Place")
    partner_rows: Mapped[list["GroupActivityPartner"]] = relationship(
        back_populates="activity", cascade="all, delete-orphan")


class GroupActivityPartner(db.Model):
    """Another group taking part in an activity: a shared activity links the two groups."""

    __table_args__ = (UniqueConstraint("activity_id", "group_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("group_activity.id", ondelete="CASCADE"))
    group_id: Mapped[int] = mapped_column(ForeignKey("local_group.id", ondelete="CASCADE"),
                                          index=True)

    activity: Mapped[GroupActivity] = relationship(back_populates="partner_rows")
    group = relationship("Group")


class GroupProject(db.Model):
    """A group's part in an accepted 協働事業 proposal; groups sharing one work together."""

    __table_args__ = (UniqueConstraint("group_id", "proposal_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("local_group.id", ondelete="CASCADE"))
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"),
                                             index=True)
    role: Mapped[str] = mapped_column(String(300), default="")  # what the group does in it
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    group = relationship("Group")
    proposal = relationship("Proposal")
