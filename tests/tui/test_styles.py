"""The stylesheets (house style 10.5): package-level .tcss files, each screen's rules wrapped in
its type selector so they stay local, and every CSS_PATH pointing at a file that exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from game.tui.app import DeterrenceApp
from game.tui.classroom_console import InstructorConsole
from game.tui.classroom_join import ClassroomJoinApp
from game.tui.screens.briefing import BriefingScreen
from game.tui.screens.debrief import DebriefScreen
from game.tui.screens.decision import DecisionScreen
from game.tui.screens.drawing import DrawingScreen
from game.tui.screens.equilibria import EquilibriaScreen
from game.tui.screens.guided import GuidedScreen
from game.tui.screens.picker import PickerScreen
from game.tui.screens.whatif import WhatIfScreen

STYLES = Path(__file__).parents[2] / "game" / "tui" / "styles"
SCREENS = [PickerScreen, BriefingScreen, DecisionScreen, DebriefScreen, WhatIfScreen,
           EquilibriaScreen, DrawingScreen, GuidedScreen]


def css_files(cls) -> list[Path]:
    paths = cls.CSS_PATH if isinstance(cls.CSS_PATH, list) else [cls.CSS_PATH]
    module = Path(__import__(cls.__module__, fromlist=["_"]).__file__).parent
    return [(module / path).resolve() for path in paths]


@pytest.mark.parametrize("cls", [DeterrenceApp, ClassroomJoinApp, InstructorConsole, *SCREENS],
                         ids=lambda cls: cls.__name__)
def test_css_paths_exist_in_the_styles_folder(cls):
    for path in css_files(cls):
        assert path.is_file(), path
        assert path.parent == STYLES.resolve()


@pytest.mark.parametrize("cls", SCREENS, ids=lambda cls: cls.__name__)
def test_screen_rules_are_wrapped_in_the_screen_type(cls):
    (path,) = css_files(cls)
    text = re.sub(r"/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.DOTALL).strip()
    assert text.startswith(cls.__name__ + " {"), f"{path.name} must start with {cls.__name__} {{"
    assert text.endswith("}")
    depth = 0
    for index, char in enumerate(text):
        depth += {"{": 1, "}": -1}.get(char, 0)
        assert depth > 0 or index == len(text) - 1 or char != "}", \
            f"{path.name}: a rule outside {cls.__name__} {{ ... }}"
    assert depth == 0
    assert "DEFAULT_CSS" not in vars(cls) and "CSS" not in vars(cls), "styles live in the .tcss"
