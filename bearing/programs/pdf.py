"""A small PDF writer for the program report: headings, paragraphs, tables and
horizontal bars on A4 pages, in the standard Helvetica fonts every PDF reader has.
Pure Python, no dependency; streams are left uncompressed so the text can be
checked in tests. It writes only what it is given: the report hands it figures
from the dashboard's allow-list rows, never a record.
"""

from __future__ import annotations

from dataclasses import dataclass, field

WIDTH, HEIGHT = 595, 842  # A4 in points
MARGIN = 56
LINE = 1.35  # line height, in font sizes


def _escape(text: str) -> str:
    data = text.encode("cp1252", errors="replace").decode("latin-1")
    return data.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _wrap(text: str, size: float, width: float) -> list[str]:
    """Lines of about the width: Helvetica averages half an em a character."""
    per_line = max(int(width / (size * 0.5)), 10)
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        words, line = paragraph.split(), ""
        for word in words:
            candidate = f"{line} {word}".strip()
            if len(candidate) > per_line and line:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return lines


@dataclass
class Document:
    title: str
    pages: list[list[str]] = field(default_factory=list)
    y: float = 0.0

    def __post_init__(self) -> None:
        self._new_page()

    def _new_page(self) -> None:
        self.pages.append([])
        self.y = HEIGHT - MARGIN

    def _room(self, height: float) -> None:
        if self.y - height < MARGIN:
            self._new_page()

    def _text(self, x: float, y: float, text: str, size: float, bold: bool = False) -> None:
        font = "F2" if bold else "F1"
        self.pages[-1].append(f"BT /{font} {size:g} Tf {x:.1f} {y:.1f} Td ({_escape(text)}) Tj ET")

    def heading(self, text: str, size: float = 15) -> None:
        self._room(size * 2.2)
        self.y -= size * 1.6
        self._text(MARGIN, self.y, text, size, bold=True)
        self.y -= size * 0.4

    def paragraph(self, text: str, size: float = 10) -> None:
        for line in _wrap(text, size, WIDTH - 2 * MARGIN):
            self._room(size * LINE)
            self.y -= size * LINE
            self._text(MARGIN, self.y, line, size)
        self.y -= size * 0.5

    def table(self, header: list[str], rows: list[list[str]], widths: list[float]) -> None:
        size = 9.5
        for i, row in enumerate([header, *rows]):
            self._room(size * 1.8)
            self.y -= size * 1.6
            x = float(MARGIN)
            for cell, width in zip(row, widths, strict=False):
                self._text(x, self.y, cell, size, bold=i == 0)
                x += width
            line_y = self.y - size * 0.45
            self.pages[-1].append(
                f"0.8 G 0.5 w {MARGIN} {line_y:.1f} m {MARGIN + sum(widths):.1f} {line_y:.1f} l S"
            )
        self.y -= size

    def bars(self, rows: list[tuple[str, int | None]], label_width: float = 190) -> None:
        """A bar per row, scaled to the largest; a hidden value (None) is written out."""
        size, height = 9.0, 11.0
        top = max([v for _, v in rows if v is not None] or [0]) or 1
        space = WIDTH - 2 * MARGIN - label_width - 40
        for label, value in rows:
            self._room(height + 5)
            self.y -= height + 4
            self._text(MARGIN, self.y + 2, label, size)
            x = MARGIN + label_width
            if value is None:
                self._text(x, self.y + 2, "hidden", size)
                continue
            width = space * value / top
            if width:
                self.pages[-1].append(
                    f"0.16 0.44 0.59 rg {x:.1f} {self.y:.1f} {width:.1f} {height:.1f} re f 0 g"
                )
            self._text(x + width + 4, self.y + 2, str(value), size)
        self.y -= 6

    def render(self) -> bytes:
        objects: list[bytes] = []

        def add(body: bytes) -> int:
            objects.append(body)
            return len(objects)

        catalog = add(b"")  # filled in below
        pages_id = add(b"")
        font = "<< /Type /Font /Subtype /Type1 /BaseFont /%s /Encoding /WinAnsiEncoding >>"
        regular = add((font % "Helvetica").encode())
        bold = add((font % "Helvetica-Bold").encode())
        kids = []
        for number, ops in enumerate(self.pages, start=1):
            footer = (
                f"BT /F1 8 Tf {MARGIN} 30 Td ({_escape(self.title)} - page {number} of "
                f"{len(self.pages)}) Tj ET"
            )
            stream = "\n".join([*ops, footer]).encode("latin-1")
            content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
            kids.append(
                add(
                    (
                        f"<< /Type /Page /Parent {pages_id} 0 R /MediaBox [0 0 {WIDTH} {HEIGHT}] "
                        f"/Resources << /Font << /F1 {regular} 0 R /F2 {bold} 0 R >> >> "
                        f"/Contents {content} 0 R >>"
                    ).encode()
                )
            )
        objects[catalog - 1] = f"<< /Type /Catalog /Pages {pages_id} 0 R >>".encode()
        objects[pages_id - 1] = (
            f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>"
        ).encode()
        info = add(f"<< /Title ({_escape(self.title)}) /Producer (Bearing) >>".encode("latin-1"))
        out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for number, body in enumerate(objects, start=1):
            offsets.append(len(out))
            out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        for offset in offsets:
            out += b"%010d 00000 n \n" % offset
        out += b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
            len(objects) + 1,
            catalog,
            info,
            xref,
        )
        return bytes(out)
