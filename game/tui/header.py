"""Provides `SafeHeader`: Textual's Header, tolerant of a screen replaced just after mounting.

Textual 8's Header updates its title from a watcher that queries its `HeaderTitle` child; when
the screen is swapped within milliseconds of mounting (the classroom join flow does this), the
child can already be gone and the query raises `NoMatches`, which crashes the app. The title
simply does not need updating then.
"""

from __future__ import annotations

from textual.css.query import NoMatches
from textual.events import Mount
from textual.widget import Widget
from textual.widgets import Header
from textual.widgets._header import HeaderTitle


class SafeHeader(Header):
    """A Header whose title watcher ignores a title widget that is already gone."""

    def _on_mount(self, event: Mount) -> None:
        async def set_title() -> None:
            try:
                self.query_one(HeaderTitle).update(self.format_title())
            except NoMatches:
                pass
            except Exception as error:  # NoScreen and friends: the header is being removed
                if type(error).__name__ != "NoScreen":
                    raise

        self.watch(self.app, "title", set_title)
        self.watch(self.app, "sub_title", set_title)
        self.watch(self.screen, "title", set_title)
        self.watch(self.screen, "sub_title", set_title)
        Widget._on_mount(self, event)
        event.prevent_default()  # Header's own handler would add the fragile watchers again
