"""Classroom sessions: wire protocol, room state machine, server, client, event store."""
