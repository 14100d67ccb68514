"""The TeX in titles, for each export: math for BibTeX, text (with superscripts) for everyone else.

arXiv titles carry TeX math ("GenM$^3$", "$\\ell_1$ regularization") and Hugging Face shows the same
titles with the dollars stripped ("M^{3}"). A reference manager should print M³, not "$^3$" or
"\\textasciicircum{}". `split_math` finds the math; what is not clearly math stays text.
"""

from __future__ import annotations

import re
from typing import Literal

from pylatexenc.latex2text import LatexNodes2Text

# $…$ with something TeX-like inside (a command, a script, a group) or a short symbol ("$K$", "$top$").
# Pandoc's rule for where math starts and ends: no space just inside either dollar, no digit right after
# the closing one. "$5 and $10" is text.
_MATH = re.compile(r"\$(?P<math>[^$\s](?:[^$]{0,198}[^$\s])?)\$(?!\d)")
_TEX_LIKE = re.compile(r"[\\^_{]")
# A script written without dollars right after a symbol: "M^{3}", "N^{-1}", "y^2", "x_1". "snake_case"
# is text: without braces, only numbers count.
_BARE_SCRIPT = re.compile(r"(?<=[\w)\]}])[\^_](?:\{[^{}$\\%#&]{1,50}\}|-?\d+(?!\w))")
_SCRIPT = re.compile(r"(?P<op>[\^_])(?:\{(?P<braced>[^{}]*)\}|(?P<single>\\[A-Za-z]+|-?\d|[A-Za-z]))")
_SUPERSCRIPTS = dict(zip("0123456789+-=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ", strict=True))
_SUBSCRIPTS = dict(zip("0123456789+-=()aeoxhklmnpst", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₒₓₕₖₗₘₙₚₛₜ", strict=True))
_LATEX = LatexNodes2Text(math_mode="text")

Piece = tuple[Literal["text", "math"], str]


def split_math(text: str) -> list[Piece]:
    """`text` as text and math pieces, math without its dollars."""
    pieces: list[Piece] = []
    position = 0
    for match in _math_spans(text):
        start, end, math = match
        if start > position:
            pieces.append(("text", text[position:start]))
        pieces.append(("math", math))
        position = end
    if position < len(text):
        pieces.append(("text", text[position:]))
    return pieces


def math_as_text(math: str, *, markup: bool = False) -> str:
    """TeX math as Unicode text: "^3" → "³", "\\ell_1" → "ℓ₁"; a script without Unicode letters for it
    becomes <sup>…</sup> (`markup`, for CSL's rich text) or "^(…)"."""
    out: list[str] = []
    position = 0
    for match in _SCRIPT.finditer(math):
        out.append(_latex(math[position : match.start()]))
        inner = match["braced"] if match["braced"] is not None else match["single"]
        out.append(_script(_latex(inner), superscript=match["op"] == "^", markup=markup))
        position = match.end()
    out.append(_latex(math[position:]))
    return "".join(out)


def plain_title(title: str, *, markup: bool = False) -> str:
    """The title with its math as text."""
    return "".join(
        piece if kind == "text" else math_as_text(piece, markup=markup) for kind, piece in split_math(title)
    )


def _math_spans(text: str) -> list[tuple[int, int, str]]:
    spans = [
        (match.start(), match.end(), match["math"])
        for match in _MATH.finditer(text)
        if _is_math(match["math"])
    ]
    taken = [(start, end) for start, end, _ in spans]
    for match in _BARE_SCRIPT.finditer(text):
        if not any(start <= match.start() < end for start, end in taken):
            spans.append((match.start(), match.end(), match.group()))
    return sorted(spans)


def _is_math(math: str) -> bool:
    # Never anything that would break LaTeX outside math or the BibTeX field: a comment, an alignment,
    # a parameter, or braces that do not pair up.
    if any(char in math for char in "%#&") or not _balanced(math):
        return False
    return bool(_TEX_LIKE.search(math)) or (len(math) <= 3 and math.isalnum())


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def _latex(tex: str) -> str:
    if not tex:
        return ""
    try:
        return _LATEX.latex_to_text(tex)
    except Exception:  # pylatexenc is tolerant, but an export must never fail on a title
        return tex


def _script(inner: str, *, superscript: bool, markup: bool) -> str:
    table = _SUPERSCRIPTS if superscript else _SUBSCRIPTS
    if inner and all(char in table for char in inner):
        return "".join(table[char] for char in inner)
    if markup:
        tag = "sup" if superscript else "sub"
        return f"<{tag}>{inner}</{tag}>"
    sign = "^" if superscript else "_"
    return f"{sign}{inner}" if len(inner) == 1 else f"{sign}({inner})"
