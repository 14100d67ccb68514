"""Text colours against the backgrounds they are used on, in light and dark mode: WCAG AA (4.5:1).

The stylesheet keeps every colour in custom properties on :root and overrides them in one
`prefers-color-scheme: dark` block, so both schemes can be checked here from the file itself.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = (Path(__file__).resolve().parents[1] / "static" / "css" / "papershelf.css").read_text()
AA_TEXT = 4.5

# (text, background): every pairing the stylesheet uses for text.
PAIRS = [
    ("text", "bg"),
    ("text", "surface"),
    ("text", "accent-soft"),  # messages, the current tab
    ("muted", "bg"),
    ("muted", "surface"),
    ("muted", "accent-soft"),  # a count in the current tab
    ("link", "bg"),
    ("link", "surface"),
    ("link", "accent-soft"),  # links in notices
    ("accent", "surface"),  # eyebrows, an upvoted count
    ("accent", "bg"),
    ("accent", "accent-soft"),  # "Saved", "New"
    ("accent-contrast", "accent"),  # buttons
    ("danger", "surface"),  # errors, "Delete"
    ("danger-contrast", "danger"),  # the delete button
    ("success", "surface"),
]


def _custom_properties(block: str) -> dict[str, str]:
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})\s*;", block))


def schemes() -> dict[str, dict[str, str]]:
    light_block = re.search(r"^:root\s*\{(.*?)\}", CSS, re.S | re.M)
    dark_block = re.search(r"prefers-color-scheme:\s*dark\)\s*\{\s*:root\s*\{(.*?)\}", CSS, re.S)
    assert light_block and dark_block, "the stylesheet's colours moved out of :root"
    light = _custom_properties(light_block[1])
    return {"light": light, "dark": light | _custom_properties(dark_block[1])}


def luminance(colour: str) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_the_contrast_formula_matches_wcags_reference_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(("text", "background"), PAIRS)
def test_text_is_readable_on_its_background(scheme, text, background):
    colours = schemes()[scheme]

    ratio = contrast(colours[text], colours[background])

    assert ratio >= AA_TEXT, f"{scheme}: --{text} on --{background} is {ratio:.2f}:1"


def test_dark_mode_changes_every_colour_that_text_or_a_background_uses():
    light, dark = schemes()["light"], schemes()["dark"]
    used = {name for pair in PAIRS for name in pair}

    assert sorted(name for name in used if dark[name] == light[name]) == []
