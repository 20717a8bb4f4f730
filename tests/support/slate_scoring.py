"""Scoring slate finding on the labelled corpus (:mod:`tests.support.slate_corpus`): per style, edges exact to the
frame, within one frame, false proposals, missed slates, image requests and seconds per edge. Shared by the corpus
test and ``tests/benchmarks/bench_slates.py``."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field


@dataclass
class StyleScore:
    edges: int = 0            # slate edges in the truth
    exact: int = 0            # found to the frame
    within_one: int = 0       # found within one frame (exact included)
    false: int = 0            # a side proposed where the truth has no slate, or proposed at the wrong frame
    missed: int = 0           # a slate edge in the truth with no proposal
    requests: list[int] = field(default_factory=list)   # per searched edge
    seconds: list[float] = field(default_factory=list)  # per searched edge


@dataclass
class Scores:
    styles: dict[str, StyleScore] = field(default_factory=lambda: defaultdict(StyleScore))
    mistakes: list[str] = field(default_factory=list)

    def add(self, name: str, style: str, truth: tuple[int | None, int | None], found: tuple[int | None, int | None],
            requests: tuple[int, int], seconds: tuple[float, float], note: str | None = None) -> None:
        """One search: the truth and what was found (start and end frames), the image requests and the seconds each
        edge took."""
        score = self.styles[style]
        for side, expected, got in zip(("opening", "closing"), truth, found, strict=True):
            if expected is not None:
                score.edges += 1
                if got is None:
                    score.missed += 1
                    self.mistakes.append(f"{name}: {side} slate missed (truth #{expected}; {note})")
                    continue
                score.exact += got == expected
                score.within_one += abs(got - expected) <= 1
                if got != expected:
                    score.false += 1
                    self.mistakes.append(f"{name}: {side} proposed at #{got}, the truth is #{expected}")
            elif got is not None:
                score.false += 1
                self.mistakes.append(f"{name}: {side} proposed at #{got} where there is no slate")
        score.requests.extend(requests)
        score.seconds.extend(seconds)

    def table(self) -> str:
        lines = ["| style | slate edges | exact to the frame | within one frame | false proposals | missed slates | "
                 "image requests per edge (max) | seconds per edge (max) |",
                 "|---|---:|---:|---:|---:|---:|---:|---:|"]
        for style, s in self.styles.items():
            lines.append(f"| {style} | {s.edges} | {s.exact} | {s.within_one} | {s.false} | {s.missed} | "
                         f"{sum(s.requests) / len(s.requests):.1f} ({max(s.requests)}) | "
                         f"{sum(s.seconds) / len(s.seconds):.2f} ({max(s.seconds):.2f}) |")
        total = StyleScore()
        for s in self.styles.values():
            total.edges += s.edges
            total.exact += s.exact
            total.within_one += s.within_one
            total.false += s.false
            total.missed += s.missed
            total.requests += s.requests
            total.seconds += s.seconds
        lines.append(f"| **all** | {total.edges} | {total.exact} | {total.within_one} | {total.false} | "
                     f"{total.missed} | {sum(total.requests) / len(total.requests):.1f} ({max(total.requests)}) | "
                     f"{sum(total.seconds) / len(total.seconds):.2f} ({max(total.seconds):.2f}) |")
        return "\n".join(lines)

    @property
    def max_requests(self) -> int:
        return max(r for s in self.styles.values() for r in s.requests)
