"""One counter per database table, bumped by every committed write to it."""

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from civic.extensions import db


class CacheGeneration(db.Model):
    __tablename__ = "cache_generation"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)
