"""A list section of a page (Today, the reports queue): the first rows and the count of all."""

from dataclasses import dataclass, field


@dataclass
class Section:
    rows: list = field(default_factory=list)
    total: int = 0

    @property
    def more(self) -> int:
        """How many rows the section does not show."""
        return self.total - len(self.rows)
