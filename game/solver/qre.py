"""Provides the agent logit quantal response equilibrium (QRE), at one lambda or traced along it.

At an agent QRE every information set chooses each action with probability proportional to
exp(lambda * its expected payoff), given beliefs from Bayes' rule (all sets are reached) and the
others' noisy play. lambda = 0 is uniform play; as lambda grows, the principal branch approaches
an equilibrium (a sequential one in generic games). Solved numerically (floats, numpy) by
continuation in lambda with Newton steps; used for human-like bots, for the class debrief, and
to guide the exact solver to the supports of large games' equilibria.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from game.model.tree import NATURE, TERMINAL, Game
from game.solver.structure import Structure


@dataclass(frozen=True)
class QREPoint:
    """One point of the logit QRE branch."""

    lam: float
    behaviour: dict[int, tuple[float, ...]]
    """Infoset -> action probabilities (floats)."""
    converged: bool = True


class LogitQRE:
    """The logit QRE machinery for one game (arrays built once)."""

    def __init__(self, game: Game) -> None:
        self.game = game
        structure = Structure(game)
        self.structure = structure
        nodes = game.nodes
        self.n_nodes = len(nodes)
        # Flat action index per (infoset, action).
        self.offset = []
        total = 0
        for infoset in game.infosets:
            self.offset.append(total)
            total += len(infoset.actions)
        self.n_actions = total
        edges_parent, edges_child, edges_flat, edges_chance, edges_level = [], [], [], [], []
        depth = structure.depth
        for node in nodes:
            for index, child in enumerate(node.children):
                edges_parent.append(node.id)
                edges_child.append(child)
                if node.player == NATURE:
                    edges_flat.append(-1)
                    edges_chance.append(float(node.probs[index]))
                else:
                    edges_flat.append(self.offset[node.infoset] + index)
                    edges_chance.append(1.0)
                edges_level.append(depth[node.id])
        self.parent = np.array(edges_parent, dtype=np.int64)
        self.child = np.array(edges_child, dtype=np.int64)
        self.flat = np.array(edges_flat, dtype=np.int64)
        self.chance = np.array(edges_chance)
        levels = np.array(edges_level, dtype=np.int64)
        self.levels = [np.nonzero(levels == k)[0] for k in range(int(levels.max()) + 1)] \
            if len(levels) else []
        self.decision = self.flat >= 0
        # Owner and horizon of each flat action.
        owner = np.zeros(total, dtype=np.int64)
        horizon = np.zeros(total, dtype=np.int64)
        self.infoset_of = np.zeros(total, dtype=np.int64)
        for infoset in game.infosets:
            for a in range(len(infoset.actions)):
                f = self.offset[infoset.id] + a
                owner[f] = infoset.player
                horizon[f] = structure.myopic_round[infoset.id]
                self.infoset_of[f] = infoset.id
        self.owner = owner
        self.horizon = horizon
        self.horizons = sorted(set(horizon.tolist())) or [0]
        terminal_payoffs = {}
        for h in self.horizons:
            table = np.zeros((self.n_nodes, 2))
            for z in structure.terminal_list:
                table[z, 0] = float(structure.payoff(z, 0, h))
                table[z, 1] = float(structure.payoff(z, 1, h))
            terminal_payoffs[h] = table
        self.terminal_payoffs = terminal_payoffs
        scale = max((float(abs(v)) for t in terminal_payoffs.values() for v in t.flat), default=1.0)
        self.scale = scale or 1.0
        self.starts = np.array(self.offset, dtype=np.int64)
        """Each information set's first flat action (for the per-set reductions)."""
        self.first_of = self.starts[self.infoset_of]
        """Per flat action: the flat index of its set's first action."""

    # ------------------------------------------------------------------ evaluation
    def action_values(self, sigma: np.ndarray) -> np.ndarray:
        """Expected payoff of every action at its information set, given full-support play."""
        probs = np.where(self.decision, sigma[np.maximum(self.flat, 0)], self.chance)
        reach = np.zeros(self.n_nodes)
        reach[0] = 1.0
        for level in self.levels:
            reach[self.child[level]] = reach[self.parent[level]] * probs[level]
        values_by_h = {}
        for h in self.horizons:
            values = self.terminal_payoffs[h].copy()
            for level in reversed(self.levels):
                contribution = probs[level, None] * values[self.child[level]]
                np.add.at(values, self.parent[level], contribution)
            values_by_h[h] = values
        numer = np.zeros(self.n_actions)
        denom = np.zeros(self.n_actions)
        edges = np.nonzero(self.decision)[0]
        flat = self.flat[edges]
        weights = reach[self.parent[edges]]
        for h in self.horizons:
            mask = self.horizon[flat] == h
            if not mask.any():
                continue
            e = edges[mask]
            f = flat[mask]
            child_values = values_by_h[h][self.child[e], self.owner[f]]
            np.add.at(numer, f, weights[mask] * child_values)
            np.add.at(denom, f, weights[mask])
        return numer / np.maximum(denom, 1e-300)

    def softmax(self, y: np.ndarray) -> np.ndarray:
        """Probabilities from per-infoset logits (all information sets at once)."""
        starts = self.starts
        top = np.maximum.reduceat(y, starts)[self.infoset_of]
        e = np.exp(y - top)
        return e / np.add.reduceat(e, starts)[self.infoset_of]

    def residual(self, y: np.ndarray, lam: float) -> np.ndarray:
        """y - lam * (U - U of the set's first action), per action (first actions: y itself)."""
        u = self.action_values(self.softmax(y))
        return y - lam * (u - u[self.first_of])

    def solve_at(self, lam: float, start: np.ndarray | None = None,
                 tolerance: float = 1e-10, deadline: float | None = None
                 ) -> tuple[np.ndarray, bool]:
        """Newton's method on the logit equations at one lambda (lambda in payoff-scaled units);
        it gives up (not converged) once `deadline` (`time.monotonic()`) has passed."""
        import time

        y = np.zeros(self.n_actions) if start is None else start.copy()
        free = [f for f in range(self.n_actions)
                if f != self.offset[self.infoset_of[f]]]
        for _ in range(12):
            r = self.residual(y, lam)
            norm = np.abs(r).max()
            if norm < tolerance:
                return y, True
            jac = np.zeros((len(free), len(free)))
            h = 1e-7
            for column, f in enumerate(free):
                if deadline is not None and column % 16 == 0 and time.monotonic() > deadline:
                    return y, False
                shifted = y.copy()
                shifted[f] += h
                jac[:, column] = (self.residual(shifted, lam)[free] - r[free]) / h
            try:
                step = np.linalg.solve(jac, -r[free])
            except np.linalg.LinAlgError:
                return y, False
            scale = 1.0
            while scale > 1e-4:
                trial = y.copy()
                trial[free] += scale * step
                if np.abs(self.residual(trial, lam)).max() < norm:
                    y = trial
                    break
                scale /= 2
            else:
                return y, False
        return y, bool(np.abs(self.residual(y, lam)).max() < 1e-7)

    def trace(self, lambdas: Sequence[float], growth: float = 1.5,
              seconds: float | None = None) -> list[QREPoint]:
        """The principal branch at increasing lambdas (lambda in payoff units).

        Continuation: lambda grows geometrically between the requested values, each point
        corrected by Newton's method from the previous one; a failed step is retried shorter.
        """
        import time

        deadline = time.monotonic() + seconds if seconds is not None else None
        points = []
        y = np.zeros(self.n_actions)
        current = 0.0
        for target in sorted(lambdas):
            failures = 0
            while current < target and failures < 8:
                if deadline is not None and time.monotonic() > deadline:
                    break
                trial_lam = min(target, max(current * growth, current + 0.25))
                solved, ok = self.solve_at(trial_lam, y, deadline=deadline)
                if ok:
                    y, current = solved, trial_lam
                    failures = 0
                else:
                    failures += 1
                    growth = 1 + (growth - 1) / 2
            points.append(QREPoint(current, self.behaviour(y), converged=current >= target))
        return points

    def behaviour(self, y: np.ndarray) -> dict[int, tuple[float, ...]]:
        """Logits -> infoset -> probabilities."""
        sigma = self.softmax(y)
        return {i.id: tuple(float(p) for p in sigma[self.offset[i.id]:self.offset[i.id] +
                                                      len(i.actions)])
                for i in self.game.infosets}


def logit_qre(game: Game, lam: float) -> QREPoint:
    """The agent logit QRE at one lambda, on the principal branch."""
    return LogitQRE(game).trace([lam])[0]


def qre_branch(game: Game, lambdas: Sequence[float]) -> list[QREPoint]:
    """The principal branch at each lambda given (increasing)."""
    return LogitQRE(game).trace(lambdas)


__all__ = ["LogitQRE", "QREPoint", "TERMINAL", "logit_qre", "qre_branch"]
