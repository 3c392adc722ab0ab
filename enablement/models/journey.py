"""The journey map's shapes: stages × gates with how much published content each cell has,
how much of it was used lately and how fresh it is (built by ``services.journey``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Optional

from enablement.models.dto import PieceSummary

# Content not changed for this long counts as stale even without a review date.
STALE_AFTER_DAYS = 365


@dataclass(frozen=True)
class JourneyCell:
    """One gate of a stage (or, with ``gate_id`` None, the stage's pieces without a gate)."""

    stage_id: int
    gate_id: Optional[int]
    question: str
    exit_criteria: str
    published: int
    used_pieces: int  # published pieces used at least once in the window
    uses: int  # uses in the window
    stale_pieces: int  # published pieces past their review date
    freshest: Optional[datetime]  # the latest change to one of its pieces
    age_days: Optional[int]  # days since ``freshest``

    @property
    def empty(self) -> bool:
        return self.published == 0

    @property
    def stale(self) -> bool:
        """Has content, but none of it can be trusted as current."""
        if self.empty:
            return False
        return self.stale_pieces >= self.published or (self.age_days is not None
                                                      and self.age_days > STALE_AFTER_DAYS)

    @property
    def unused(self) -> bool:
        return not self.empty and self.used_pieces == 0


@dataclass(frozen=True)
class JourneyStage:
    id: int
    name: str
    description: str
    cells: tuple[JourneyCell, ...]


@dataclass(frozen=True)
class JourneyMap:
    stages: tuple[JourneyStage, ...]
    window_days: int
    today: date

    @property
    def cells(self) -> tuple[JourneyCell, ...]:
        return tuple(c for s in self.stages for c in s.cells)

    @property
    def gate_cells(self) -> tuple[JourneyCell, ...]:
        return tuple(c for c in self.cells if c.gate_id is not None)

    def cell(self, stage_id: int, gate_id: Optional[int]) -> Optional[JourneyCell]:
        return next((c for c in self.cells if c.stage_id == stage_id and c.gate_id == gate_id), None)

    @property
    def coverage(self) -> float:
        """Share of gates with at least one published piece (0..1)."""
        gates = self.gate_cells
        return sum(1 for c in gates if not c.empty) / len(gates) if gates else 0.0


@dataclass(frozen=True)
class CellPieces:
    """The published pieces behind one cell, with their use in the window."""

    stage_id: int
    gate_id: Optional[int]
    pieces: tuple[PieceSummary, ...]
    recent_uses: dict[int, int]
