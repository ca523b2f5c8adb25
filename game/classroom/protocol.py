"""Wire messages of the classroom server: JSON objects discriminated by `type` (pydantic v2).

Everything a client sends is parsed with `parse_client`, which raises `ProtocolError` for a
frame that is too large, not JSON, or not one of the known messages. Messages the server sends
are plain dicts built by the room from `PlayerView`s only (see `room.py`).
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
from pydantic_core import to_json

MAX_FRAME = 4096
"""The largest frame (bytes) a client may send; a larger one gets a `too_large` error reply
and changes nothing (the connection and the seat stay)."""
TRANSPORT_CAP = 16 * 1024
"""The hard cap (bytes) on one frame at the websocket layer once a connection holds a seat or
watches as the instructor: a frame past it cannot even be read, so the connection is closed
(1009, "message too big"); the seat stays, and its token takes it back. Between `MAX_FRAME`
and this cap, frames get an error reply."""
OPENING_CAP = 2 * MAX_FRAME
"""The same cap before a connection has joined: a stranger cannot make the server hold more
than this much of a partial frame."""

Label = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[\w .\-]+$")]
Ident = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[\w.\-:|@#+/]+$")]
Token = Annotated[str, Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")]
Decision = Annotated[str, Field(min_length=5, max_length=32, pattern=r"^\d+-\d+-\d+$")]
"""The id of a decision request (`round-pair-position`), which a move or belief must repeat."""


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Join(_Message):
    """A student joins (or rejoins with the seat token)."""

    type: Literal["join"]
    code: Annotated[str, Field(min_length=1, max_length=12)]
    name: Label
    token: Token | None = None


class Move(_Message):
    """A decision: the action chosen for the decision request `decision` of the round."""

    type: Literal["move"]
    round: Annotated[int, Field(ge=1, le=1000)]
    decision: Decision
    action: Ident


class Belief(_Message):
    """A stated belief about the opponent's type (probabilities summing to 1)."""

    type: Literal["belief"]
    round: Annotated[int, Field(ge=1, le=1000)]
    decision: Decision
    beliefs: Annotated[dict[Ident, Annotated[float, Field(ge=0, le=1)]],
                       Field(min_length=1, max_length=8)]


class Instructor(_Message):
    """An instructor command (needs the instructor token)."""

    type: Literal["instructor"]
    token: Token
    command: Literal["watch", "start", "pause", "resume", "advance", "swap", "unswap", "end",
                     "kick", "reissue"]
    label: Label | None = None
    """The participant a command is about (swap, unswap, kick, reissue)."""


class Ping(_Message):
    type: Literal["ping"]


ClientMessage = Annotated[Union[Join, Move, Belief, Instructor, Ping], Field(discriminator="type")]
_ADAPTER: TypeAdapter = TypeAdapter(ClientMessage)


class ProtocolError(ValueError):
    """A frame that is not a valid client message (the reply says why; nothing changes)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def parse_client(frame: str | bytes) -> Join | Move | Belief | Instructor | Ping:
    """Validates one frame from a client.

    Raises:
        ProtocolError: too large, not JSON, or not a known message.
    """
    if isinstance(frame, bytes):
        if len(frame) > MAX_FRAME:
            raise _too_large()
        try:
            frame = frame.decode("utf-8")
        except UnicodeDecodeError:
            raise ProtocolError("malformed", "frames must be UTF-8 JSON") from None
    # a character takes 1 to 4 bytes: count the bytes only when the length leaves it open
    if len(frame) > MAX_FRAME or (4 * len(frame) > MAX_FRAME
                                  and len(frame.encode("utf-8", "replace")) > MAX_FRAME):
        raise _too_large()
    try:
        return _ADAPTER.validate_json(frame)
    except ValidationError as error:
        first = error.errors()[0] if error.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise ProtocolError("invalid", f"invalid message{' at ' + where if where else ''}: "
                                       f"{first.get('msg', 'not understood')}") from None


def _too_large() -> ProtocolError:
    return ProtocolError("too_large", f"frames are limited to {MAX_FRAME} bytes; this one "
                                      "was refused and changed nothing")


def encode(message: dict) -> bytes:
    """A server message or a stored event as compact UTF-8 JSON.

    The server's messages are plain dicts it built itself (str, int, float, bool, None, lists
    and dicts), so they are written out as they are, without validating them again.
    """
    return to_json(message)


def error(code: str, message: str) -> dict:
    """An error reply."""
    return {"type": "error", "code": code, "message": message}


__all__ = ["MAX_FRAME", "OPENING_CAP", "TRANSPORT_CAP", "Belief", "Instructor", "Join", "Move", "Ping",
           "ProtocolError", "encode", "error", "parse_client"]
