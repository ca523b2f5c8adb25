"""The non-operational promise, enforced: no real-world name appears in any file of the repo.

The list (countries, capitals and other cities and regions, leaders, weapon systems, named
operations, in single words and word pairs) is not stored in plain text: `content_guard.txt`
holds salted SHA-256 hashes of the lowercased words, and this test hashes every word and
every pair of adjacent words of every file and fails on a match, naming the file and line.
To add a name: `uv run python tests/test_content_guard.py --hash "some name"` and append the
printed hash.
"""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HASHES = Path(__file__).with_name("content_guard.txt")
SALT = b"deterrence-game/content-guard/1:"
SKIP_DIRS = {".git", ".venv", "__pycache__", ".hypothesis", ".pytest_cache", ".ruff_cache",
             "node_modules", "dist", "build"}
SKIP_FILES = {"uv.lock"}  # third-party package names and hashes only
WORD = re.compile(r"[a-z0-9]+")


def digest(words: str) -> str:
    """The salted hash of a lowercased word or space-separated word pair."""
    return hashlib.sha256(SALT + words.encode("utf-8")).hexdigest()[:20]


def _files() -> list[Path]:
    found = []
    for path in ROOT.rglob("*"):
        if any(part in SKIP_DIRS for part in path.relative_to(ROOT).parts):
            continue
        if path.is_file() and path.name not in SKIP_FILES and path != HASHES:
            found.append(path)
    return found


def _hits(text: str, banned: set[str]) -> list[tuple[int, str]]:
    hits = []
    for number, line in enumerate(text.lower().splitlines(), start=1):
        words = WORD.findall(line)
        for k, word in enumerate(words):
            if digest(word) in banned:
                hits.append((number, word))
            if k + 1 < len(words) and digest(f"{word} {words[k + 1]}") in banned:
                hits.append((number, f"{word} {words[k + 1]}"))
    return hits


def test_the_hash_list_is_substantial():
    banned = set(HASHES.read_text().split())
    assert len(banned) >= 400
    assert digest("state") not in banned and digest("challenger") not in banned


def test_the_guard_catches_a_planted_name():
    banned = set(HASHES.read_text().split())
    planted = "".join(chr(c) for c in (109, 111, 115, 99, 111, 119))  # built, never written
    assert _hits(f"the capital is {planted.title()}", banned) == [(1, planted)]


def test_no_file_names_a_real_country_place_leader_or_weapon():
    banned = set(HASHES.read_text().split())
    problems = []
    for path in _files():
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        for line, word in _hits(text, banned):
            problems.append(f"{path.relative_to(ROOT)}:{line}: a real-world name ({word!r})")
    assert not problems, "\n".join(problems)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--hash":
        print(digest(" ".join(WORD.findall(sys.argv[2].lower()))))
