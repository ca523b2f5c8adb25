"""The browser entry of `deterrence host --web`: textual-serve, capped in sessions.

Each browser session runs a student program (`deterrence join HOST:PORT`, which asks for the
room code, the name and, to take a seat back, the token) on the host's machine, so the number
of sessions at once is capped: past the cap, the page and its websocket are refused with a
plain message. Run as `python -m game.cli.classroom_web COMMAND BIND PORT MAX_SESSIONS`.
"""

from __future__ import annotations

import sys

from aiohttp import web
from textual_serve.server import Server

FULL = ("The browser entry of this class is full ({cap} students at once). Try again in a "
        "minute, or join from a terminal: deterrence join (ask the instructor).")


class CappedServer(Server):
    """A textual-serve server with at most `cap` browser sessions at once."""

    def __init__(self, command: str, host: str, port: int, cap: int) -> None:
        super().__init__(command, host=host, port=port, title="Deterrence classroom")
        self.cap = cap
        self.sessions = 0

    async def handle_index(self, request: web.Request):
        if self.sessions >= self.cap:
            return web.Response(status=503, text=FULL.format(cap=self.cap))
        return await super().handle_index(request)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        if self.sessions >= self.cap:
            refused = web.WebSocketResponse()
            await refused.prepare(request)
            await refused.close(code=1013, message=FULL.format(cap=self.cap).encode()[:120])
            return refused
        self.sessions += 1
        try:
            return await super().handle_websocket(request)
        finally:
            self.sessions -= 1


def main(argv: list[str]) -> None:
    command, host, port, cap = argv
    CappedServer(command, host, int(port), int(cap)).serve()


if __name__ == "__main__":
    main(sys.argv[1:])
