"""Provides `Routes`: which of a server's rooms a client message is for.

Several rooms share one port: a join goes to the room whose code it names, an instructor
command to the room whose instructor token it carries, and everything else to the room the
connection joined. `new_seat` says which joins create a seat (those are rate-limited per
address).
"""

from __future__ import annotations

import secrets

from game.classroom.protocol import Instructor, Join, error
from game.classroom.room import Room


class Routes:
    """The rooms by code, and the room each connection joined."""

    def __init__(self, rooms: list[Room]) -> None:
        self.rooms = rooms
        self.by_code = {room.config.code.upper(): room for room in rooms}
        self.joined: dict[str, Room] = {}
        """Connection -> the room it joined."""

    def route(self, conn: str, message) -> Room | dict:
        """The room a message is for, or the error reply when there is none."""
        if len(self.rooms) == 1:
            return self.rooms[0]
        if isinstance(message, Join):
            room = self.by_code.get(message.code.upper())
            if room is None:
                return error("bad_code", "no session with this code")
            bound = self.joined.get(conn)
            if bound is not None and bound is not room:
                return error("already_joined", "this connection already holds a seat")
            return room
        if isinstance(message, Instructor):
            for room in self.rooms:
                if secrets.compare_digest(message.token, room.config.instructor_token):
                    return room
            return error("forbidden", "wrong instructor token")
        room = self.joined.get(conn)
        return room if room is not None else error("not_joined", "join first")


def new_seat(room: Room, message: Join) -> bool:
    """True when this join would create a seat in a session without a roster (the joins that
    are rate-limited per address)."""
    return (room.config.roster is None and message.token is None
            and message.code.upper() == room.config.code
            and message.name not in room._by_label)


__all__ = ["Routes", "new_seat"]
