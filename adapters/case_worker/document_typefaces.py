"""The typefaces the agencies print their results in, DejaVu Sans and DejaVu Sans Bold (Debian's
fonts-dejavu-core, which carry every Vietnamese letter), made ready once per process.

fpdf2 parses a font again for every document it is added to, and subsets it again for every
document it writes: the two faces cost a tenth of a second of each document. Here each face is
parsed once, through fpdf2's own `add_font`; a document gets its own copy of what fpdf2 changes
while it prints (the glyphs used and the codes they are given, the widths it looks up, the font
descriptor numbered into the file) and shares only what fpdf2 reads (the character map, the glyph
indexes, the metrics).

The font program a document embeds is subset once per set of glyphs, not once per document, and
kept. The regular face, which prints the values, always carries the glyphs of printable ASCII and
of every letter a Vietnamese name may be written with, printed or not, so that nearly every
document embeds the same program; the bold face, which prints only the labels and titles each
kind of document repeats, carries what it prints. The text itself is encoded exactly as fpdf2
encodes it (the codes of the glyphs printed, in order of use): only the embedding of the
font is done here (`TypesetOutput`, through fpdf2's `output_producer_class`)."""

from __future__ import annotations

import copy
import threading
import unicodedata
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from fontTools import subset as ftsubset  # type: ignore[import-untyped]
from fontTools import ttLib
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont
from fpdf.output import (
    CIDSystemInfo,
    OutputProducer,
    PDFExtGState,
    PDFFont,
    PDFType3Font,
    PDFXObject,
    _build_cmap_blocks,
    _tt_font_widths,
)
from fpdf.pattern import Pattern
from fpdf.syntax import Name, PDFArray, PDFContentStream

from observability.logging import get_logger
from schemas.names import NAME_LETTERS

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FAMILY = "DejaVu"

# The characters whose glyphs every program of the regular face carries: printable ASCII and
# each letter of a name, precomposed where Unicode has the letter (ê̆ keeps its combining breve).
VALUE_CHARACTERS = frozenset(
    {chr(code) for code in range(0x20, 0x7F)}
    | {c for letter in NAME_LETTERS for c in unicodedata.normalize("NFC", letter)}
)
# Each face by style, and the characters its programs always carry. The regular face prints the
# values (numbers, dates, names), which change from one document to the next. The bold face
# prints only the labels and titles, which each kind of document repeats word for word: its
# programs hold what they print, and are as few as the kinds of documents.
FACE_FILES = {
    "": (FONT_DIR / "DejaVuSans.ttf", VALUE_CHARACTERS),
    "B": (FONT_DIR / "DejaVuSans-Bold.ttf", frozenset[str]()),
}
# Font programs kept: the regular face's, and the bold face's for each kind of document.
PROGRAMS_KEPT = 64

log = get_logger(__name__)


def _subset_options() -> ftsubset.Options:
    """The subsetting fpdf2 applies to the fonts it embeds (fpdf/output.py)."""
    options = ftsubset.Options(notdef_outline=True, recommended_glyphs=True)
    options.drop_tables += [
        *("FFTM", "GDEF", "GPOS", "GSUB", "MATH", "hdmx", "meta", "sbix"),
        *("CBDT", "CBLC", "EBDT", "EBLC", "EBSC", "SVG ", "CPAL", "COLR"),
    ]
    return options


@dataclass(frozen=True)
class FontProgram:
    """A subset TrueType program, compressed as fpdf2 compresses it, and the index of each of
    its glyphs, by name."""

    data: bytes
    compressed: bytes
    glyph_ids: Mapping[str, int]


@lru_cache(maxsize=PROGRAMS_KEPT)
def _font_program(path: Path, glyphs: frozenset[str]) -> FontProgram:
    # A font is subset in place: each program is cut from a fresh copy of the whole face.
    font = ttLib.TTFont(path, recalcTimestamp=False, lazy=True)
    try:
        subsetter = ftsubset.Subsetter(_subset_options())
        subsetter.populate(glyphs=sorted(glyphs))
        subsetter.subset(font)
        output = BytesIO()
        font.save(output)
        data = output.getvalue()
        glyph_ids = {name: font.getGlyphID(name) for name in glyphs}
        return FontProgram(data, zlib.compress(data), glyph_ids)
    finally:
        font.close()


@dataclass(frozen=True)
class Face:
    """One face, as fpdf2 parsed it, read from and never changed."""

    style: str
    path: Path
    parsed: TTFFont
    always_glyphs: frozenset[str]

    @classmethod
    def load(cls, style: str, path: Path, always: frozenset[str]) -> Face:
        holder = FPDF()
        holder.add_font(FAMILY, style, str(path))
        parsed = holder.fonts[f"{FAMILY.lower()}{style}"]
        # Only TrueType outlines without colour are embedded here (`TypesetOutput`).
        assert isinstance(parsed, TTFFont)
        assert not parsed.is_cff
        assert parsed.color_font is None
        always_glyphs = frozenset(parsed.cmap[ord(c)] for c in always if ord(c) in parsed.cmap)
        return cls(style, path, parsed, always_glyphs)

    def for_document(self, index: int) -> TTFFont:
        """The face for one document: what fpdf2 changes as it prints is the document's own."""
        font = copy.copy(self.parsed)
        font.i = index
        # fpdf2 records a width for each character it looks up, even one the face lacks.
        font.cw = self.parsed.cw.copy()
        # fpdf2 numbers the descriptor as it writes it into the document.
        font.desc = copy.copy(self.parsed.desc)
        font.missing_glyphs = []
        font.biggest_size_pt = 0
        font.subset = SubsetMap(font)
        return font

    def program(self, used: frozenset[str]) -> FontProgram:
        """The program holding the glyphs this face always carries and those `used`."""
        return _font_program(self.path, self.always_glyphs | used)


_faces: dict[str, Face] = {}
_loading = threading.Lock()


def faces() -> dict[str, Face]:
    """The faces by style ("" and "B"), parsed the first time a document asks for them."""
    with _loading:
        if not _faces:
            _faces.update({style: Face.load(style, *files) for style, files in FACE_FILES.items()})
    return _faces


class TypesetPdf(FPDF):
    """An A4 document with the shared faces installed, as `set_font(FAMILY, style, size)`."""

    def __init__(self) -> None:
        super().__init__(format="A4")
        self.faces: dict[str, Face] = {}
        for face in faces().values():
            font = face.for_document(index=len(self.fonts) + 1)
            self.fonts[font.fontkey] = font
            self.faces[font.fontkey] = face

    def typeset(self) -> bytes:
        """The finished document's bytes."""
        return bytes(self.output(output_producer_class=TypesetOutput))


class TypesetOutput(OutputProducer):
    """fpdf2's output, with each face's program taken from the programs already subset."""

    def _add_fonts(
        self,
        image_objects_per_index: dict[int, PDFXObject],
        gfxstate_objs_per_name: dict[str, PDFExtGState],
        pattern_objs_per_name: dict[str, Pattern],
    ) -> dict[int, PDFFont | PDFType3Font]:
        pdf = self.fpdf
        assert isinstance(pdf, TypesetPdf)
        embedded: dict[int, PDFFont | PDFType3Font] = {}
        for font in sorted(pdf.fonts.values(), key=lambda font: font.i):
            assert isinstance(font, TTFFont)
            embedded[font.i] = self._embed(font, pdf.faces[font.fontkey])
        return embedded

    def _embed(self, font: TTFFont, face: Face) -> PDFFont:
        """The objects fpdf2 writes for a TrueType font (the Type0 font, its CIDFontType2, the
        ToUnicode map, the descriptor, the CIDToGIDMap and the program), in the same order."""
        if font.missing_glyphs:
            # Printed as the face's empty box, as fpdf2 does. Which characters is not logged:
            # they may come from a name.
            log.warning("document_glyphs_missing", face=face.style, count=len(font.missing_glyphs))
        glyphs = [glyph for glyph, _ in font.subset.items() if glyph is not None]
        program = face.program(frozenset(glyph.glyph_name for glyph in glyphs))
        fontname = f"MPDFAA+{font.name}"

        composite = PDFFont(subtype="Type0", base_font=fontname, encoding="Identity-H")
        self._add_pdf_obj(composite, "fonts")
        cid_font = PDFFont(
            subtype="CIDFontType2",
            base_font=fontname,
            d_w=font.desc.missing_width,
            w=_tt_font_widths(font),
        )
        self._add_pdf_obj(cid_font, "fonts")
        composite.descendant_fonts = PDFArray([cid_font])

        to_unicode = PDFContentStream(_to_unicode_cmap(font).encode("latin-1"))
        self._add_pdf_obj(to_unicode, "fonts")
        composite.to_unicode = to_unicode

        system_info = CIDSystemInfo()
        self._add_pdf_obj(system_info, "fonts")
        cid_font.c_i_d_system_info = system_info

        descriptor = font.desc
        descriptor.font_name = Name(fontname)
        self._add_pdf_obj(descriptor, "fonts")
        cid_font.font_descriptor = descriptor

        cid_to_gid = bytearray(2 * 0x10000)
        for glyph, code in font.subset.items():
            if glyph is not None:
                index = program.glyph_ids[glyph.glyph_name]
                cid_to_gid[2 * code : 2 * code + 2] = index.to_bytes(2, "big")
        cid_to_gid_map = PDFContentStream(contents=bytes(cid_to_gid), compress=True)
        self._add_pdf_obj(cid_to_gid_map, "fonts")
        cid_font.c_i_d_to_g_i_d_map = cid_to_gid_map

        font_file = _FontFile(program)
        self._add_pdf_obj(font_file, "fonts")
        descriptor.font_file2 = font_file  # type: ignore[attr-defined]

        # fpdf2 keeps each subset's look-ups in caches shared by all documents until cleared.
        font.subset.pick.cache_clear()
        font.subset.get_glyph.cache_clear()
        return composite


class _FontFile(PDFContentStream):
    """fpdf2's embedded TrueType program (`PDFFontStream`), from a program compressed once."""

    def __init__(self, program: FontProgram) -> None:
        super().__init__(contents=program.compressed)
        self.filter = Name("FlateDecode")
        self.length1 = len(program.data)


def _code(unicode: int) -> str:
    if unicode > 0xFFFF:
        high = 0xD800 | (unicode - 0x10000) >> 10
        low = 0xDC00 | (unicode & 0x3FF)
        return f"{high:04X}{low:04X}"
    return f"{unicode:04X}"


def _to_unicode_cmap(font: TTFFont) -> str:
    """Which characters each code prints, for search and copy: fpdf2's ToUnicode CMap."""
    entries = [
        f"<{code:04X}> <{''.join(_code(u) for u in glyph.unicode)}>\n"
        for glyph, code in font.subset.items()
        if glyph is not None and isinstance(glyph.unicode, tuple) and glyph.unicode
    ]
    return (
        "/CIDInit /ProcSet findresource begin\n"
        "12 dict begin\n"
        "begincmap\n"
        "/CIDSystemInfo\n"
        "<</Registry (Adobe)\n"
        "/Ordering (UCS)\n"
        "/Supplement 0\n"
        ">> def\n"
        "/CMapName /Adobe-Identity-UCS def\n"
        "/CMapType 2 def\n"
        "1 begincodespacerange\n"
        "<0000> <FFFF>\n"
        "endcodespacerange\n"
        f"{_build_cmap_blocks(entries, 'bfchar')}"
        "endcmap\n"
        "CMapName currentdict /CMap defineresource pop\n"
        "end\n"
        "end"
    )
