"""A chart as data: what the page's chart include draws with ECharts and lists in a table."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import pgettext_lazy


@dataclass
class Series:
    name: str
    data: list[float | None]
    #: Drawn as a dashed line (e.g. the KPI's target in %).
    target: float | None = None


@dataclass
class Chart:
    id: str
    title: str
    labels: list[str]
    series: list[Series] = field(default_factory=list)
    kind: str = "line"  # or "bar"
    axis_label: str = pgettext_lazy("chart axis", "Period")
    min: float | None = None
    max: float | None = None
    height: int = 240

    @property
    def data_id(self) -> str:
        return f"{self.id}-data"

    @property
    def payload(self) -> dict:
        return {
            "kind": self.kind, "labels": [str(label) for label in self.labels], "min": self.min, "max": self.max,
            "series": [{"name": str(s.name), "data": s.data, "target": s.target} for s in self.series],
        }

    @property
    def rows(self) -> list[dict]:
        return [
            {"label": label, "values": [s.data[i] if i < len(s.data) else None for s in self.series]}
            for i, label in enumerate(self.labels)
        ]
