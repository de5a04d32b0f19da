"""The reports' plain-text markup, read into blocks that the report template lays out.

    ## Heading          a section heading
    - item              list items (consecutive lines)
    | a | b | c |       table rows (consecutive lines; the first row is the header)
    anything else       paragraphs, separated by blank lines

The template escapes every word, so a report can hold nothing but text.
"""

from dataclasses import dataclass, field


@dataclass
class Block:
    kind: str  # "heading", "paragraph", "list" or "table"
    lines: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(self.lines)

    @property
    def header(self) -> list[str]:
        return self.rows[0] if self.rows else []

    @property
    def body_rows(self) -> list[list[str]]:
        return self.rows[1:]


def report_blocks(text: str) -> list[Block]:
    blocks: list[Block] = []
    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        kind = _line_kind(line)
        if kind is None:
            blocks.append(Block("break"))
        elif kind == "heading":
            blocks.append(Block("heading", [line.lstrip("#").strip()]))
        elif kind == "list":
            _extend(blocks, "list").lines.append(line[1:].strip())
        elif kind == "table":
            _extend(blocks, "table").rows.append(_cells(line))
        else:
            _extend(blocks, "paragraph").lines.append(line)
    return [b for b in blocks if b.kind != "break"]


def _line_kind(line: str) -> str | None:
    if not line:
        return None
    if line.startswith("#"):
        return "heading"
    if line.startswith("- "):
        return "list"
    if line.startswith("|"):
        return "table"
    return "paragraph"


def _extend(blocks: list[Block], kind: str) -> Block:
    if not blocks or blocks[-1].kind != kind:
        blocks.append(Block(kind))
    return blocks[-1]


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]
