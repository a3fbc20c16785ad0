from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from alliance.database import Base, utcnow


class IndexVersion(Base):
    """A counter per search index, bumped on every write, so every worker and node knows to refresh."""

    __tablename__ = "index_versions"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(default=0)
    # A fresh random name per version: index folders are named by it, so a database restored from a
    # backup (whose counter went back) can never be matched with a folder built from other data.
    token: Mapped[str] = mapped_column(String(32), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
