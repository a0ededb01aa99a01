"""The catalogue of reasons a request or an order is cancelled for, read by the demand analysis."""

from __future__ import annotations

from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base


class CancelReason(Base):
    """One reason people choose with a tap; `needs_text` ones ("other") ask for words too.

    A reason is retired, never deleted: the orders cancelled for it keep its code.
    """

    __tablename__ = "cancel_reasons"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    needs_text: Mapped[bool] = mapped_column(Boolean, default=False)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)
