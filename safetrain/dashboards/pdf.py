"""PDF documents with Chinese text that renders in any viewer: fpdf2 embeds a subset of a CJK
TrueType font (only the glyphs used), so nothing depends on the reader's installed fonts.

The font is not committed: it comes from an installed package. SAFETRAIN_PDF_FONT (setting or
environment) names a .ttf/.ttc file; otherwise the first of FONT_CANDIDATES that exists is used
— Debian's fonts-wqy-microhei (installed by .ci/run; `apt-get install fonts-wqy-microhei`), then
fonts-droid-fallback and fonts-noto-cjk. Without any, generating a PDF raises FontMissing with the
command to run (the pages show it as an error; nothing else breaks).
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from fpdf import FPDF
from fpdf.fonts import FontFace

from safetrain.core.errors import ServiceError

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
)
FAMILY = "cjk"


class FontMissing(ServiceError):
    status = 503
    code = "pdf_font_missing"


def font_path() -> Path:
    configured = getattr(settings, "SAFETRAIN_PDF_FONT", "") or os.environ.get(
        "SAFETRAIN_PDF_FONT", ""
    )
    candidates = [configured] if configured else list(FONT_CANDIDATES)
    for c in candidates:
        if c and Path(c).is_file():
            return Path(c)
    raise FontMissing(
        "生成 PDF 需要中文字体：请安装 fonts-wqy-microhei（apt-get install fonts-wqy-microhei），"
        "或用 SAFETRAIN_PDF_FONT 指定一个 TrueType 字体文件"
        + (f"（当前设置 {configured} 不存在）" if configured else "")
    )


class Document(FPDF):
    """A4 portrait, the CJK font as the only font, a footer with the page number."""

    footer_text = ""

    def __init__(self, title: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        # one style only: parsing and subsetting a CJK font is the slow part of a document
        self.add_font(FAMILY, "", str(font_path()))
        self.set_title(title)
        self.set_creator("晋城市安全生产教育培训系统")
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(16, 16, 16)
        self.add_page()

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FAMILY, "", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 6, f"{self.footer_text}  第 {self.page_no()} 页", align="C")
        self.set_text_color(0, 0, 0)

    def h1(self, text: str) -> None:
        self.set_font(FAMILY, "", 18)
        self.multi_cell(0, 10, text, align="C", new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def h2(self, text: str) -> None:
        self.ln(2)
        self.set_font(FAMILY, "", 13)
        self.multi_cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")

    def para(self, text: str, size: float = 10.5) -> None:
        self.set_font(FAMILY, "", size)
        self.multi_cell(0, 6, text, align="L", new_x="LMARGIN", new_y="NEXT")

    def grid(
        self, headers: list[str], rows: list[list[object]], widths: list[int] | None = None
    ) -> None:
        self.set_font(FAMILY, "", 9)
        with self.table(
            col_widths=widths,
            text_align="LEFT",
            line_height=5.5,
            first_row_as_headings=True,
            headings_style=FontFace(fill_color=(226, 232, 240)),
        ) as t:
            t.row([str(h) for h in headers])
            for r in rows:
                t.row(["" if v is None else str(v) for v in r])
        self.ln(1)

    def bytes(self) -> bytes:
        return bytes(self.output())
