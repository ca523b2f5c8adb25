"""Provides the concept glossary (`seeds/concepts.yaml`): what each teaching concept means."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from game.scenario.errors import ScenarioError, ScenarioProblem
from game.scenario.library import data_dir
from game.scenario.yamlread import YamlReadError, read_yaml


class _ConceptSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str
    definition: str
    literature: list[str] = Field(default_factory=list)
    scenarios: list[str] = Field(default_factory=list)


class _GlossarySpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    concepts: list[_ConceptSpec]


@dataclass(frozen=True, slots=True)
class Concept:
    """A teaching concept: id, name, a paragraph for students, the literature, its scenarios."""

    id: str
    name: str
    definition: str
    literature: tuple[str, ...]
    scenarios: tuple[str, ...]


def concepts_path() -> Path:
    """Where the glossary lives."""
    return data_dir("seeds") / "concepts.yaml"


@lru_cache(maxsize=1)
def load_concepts() -> tuple[Concept, ...]:
    """Loads the glossary.

    Raises:
        FileNotFoundError: there is no glossary file.
        ScenarioError: the glossary has problems.
    """
    path = concepts_path()
    text = path.read_text(encoding="utf-8")
    try:
        data, positions = read_yaml(text)
        glossary = _GlossarySpec.model_validate(data)
    except YamlReadError as error:
        p = error.problem
        raise ScenarioError([ScenarioProblem(p.line, p.column, "", p.message, str(path))]) from None
    except ValidationError as error:
        problems = []
        for item in error.errors():
            loc = tuple(item["loc"])
            probe = loc
            while probe and probe not in positions:
                probe = probe[:-1]
            line, column = positions.get(probe, (1, 1))
            problems.append(ScenarioProblem(line, column, ".".join(map(str, loc)), item["msg"],
                                            str(path)))
        raise ScenarioError(problems) from None
    return tuple(Concept(c.id, c.name, " ".join(c.definition.split()), tuple(c.literature),
                         tuple(c.scenarios)) for c in glossary.concepts)
