"""地域資源マップ: a place is a point with a category in an area.

Coordinates are WGS 84 degrees (what GeoJSON and Leaflet use); the CHECK constraints keep every
stored point on the globe, so the GeoJSON download never carries an invalid position.
"""

from datetime import datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civic.extensions import db
from civic.timeutil import utcnow

# 集会所・会議室 / 公園・広場 / 協力店 / 活動拠点 / 協働事業の現場 / 福祉施設 / 防災拠点 / 学校 / その他
CATEGORIES = ("meeting_room", "park", "helpful_shop", "activity_site", "funded_project",
              "welfare", "disaster", "school", "other")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


class Place(db.Model):
    __table_args__ = (
        CheckConstraint("lat >= -90 AND lat <= 90", name="lat_range"),
        CheckConstraint("lon >= -180 AND lon <= 180", name="lon_range"),
        CheckConstraint(_one_of("category", CATEGORIES), name="category_known"),
        Index("ix_place_area_category", "area_id", "category"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(20))
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    address: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    # 開館時間・利用案内: free text such as 「9:00〜21:00（月曜休館）」.
    opening_info: Mapped[str] = mapped_column(String(300), default="")
    url: Mapped[str] = mapped_column(String(500), default="")
    # The group that runs the place (a 町会会館, an NPO's base), if any.
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("local_group.id", ondelete="SET NULL"), index=True)
    # For funded_project places: the accepted 協働事業 proposal carried out there.
    proposal_id: Mapped[int | None] = mapped_column(
        ForeignKey("proposal.id", ondelete="SET NULL"), index=True)
    published: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    area = relationship("Area")
    group = relationship("Group", foreign_keys=[group_id])
    proposal = relationship("Proposal")
