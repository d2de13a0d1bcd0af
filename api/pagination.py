"""The one list cursor (sessions, the review queue): a position `(time, id)` in a list ordered
by a time and then by id, opaque to clients."""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, datetime

from core.errors import BadRequest


def encode_cursor(at: datetime, row_id: uuid.UUID) -> str:
    return base64.urlsafe_b64encode(f"{at.isoformat()}|{row_id}".encode()).decode()


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    """A cursor is client input: anything but one we could have issued is a 422 (an aware time
    that exists in UTC, and a uuid), never a database error."""
    try:
        at, row_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        when = datetime.fromisoformat(at)
        if when.tzinfo is None:
            raise ValueError("cursor time without a time zone")
        return when.astimezone(UTC), uuid.UUID(row_id)
    except (ValueError, UnicodeDecodeError, OverflowError) as exc:
        raise BadRequest("invalid cursor") from exc
