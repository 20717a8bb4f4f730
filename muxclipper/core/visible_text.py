"""Text that shows as itself: the one rule for what may reach a terminal, a label or a Mux title.

Controls (BEL, ESC of ANSI sequences, newlines, tabs), format characters (U+202E right-to-left override, zero-width
ones), line and paragraph separators, surrogates and unassigned or private code points change what a terminal or a
label shows rather than showing themselves. ``clip --title`` refuses them (:func:`hidden_character`); a label read
from a cut list has them replaced by spaces (:func:`clean_label`); messages show them escaped (:func:`visible`).
"""

from __future__ import annotations

import unicodedata

_HIDDEN_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
#: Format characters that writing needs: zero-width non-joiner (Persian, Indic scripts) and joiner (emoji
#: sequences such as 👩‍💻). They move nothing on a terminal.
_JOINERS = {"\u200c", "\u200d"}


def is_hidden(ch: str) -> bool:
    """Whether ``ch`` would not show as itself."""
    return unicodedata.category(ch) in _HIDDEN_CATEGORIES and ch not in _JOINERS


def visible(text: str, limit: int = 80) -> str:
    """``text`` safe to print on a terminal or in a message: hidden characters shown as ``\\x1b``/``\\u202e``,
    cut to ``limit`` characters. Never put a secret through it: it is for names and ids."""
    shown = "".join(ch.encode("unicode_escape").decode("ascii") if is_hidden(ch) else ch for ch in text[:limit])
    return shown + ("…" if len(text) > limit else "")


def hidden_character(text: str) -> str | None:
    """The first character of ``text`` that would not show as itself, escaped; None when all are visible."""
    for ch in text:
        if is_hidden(ch):
            return ch.encode("unicode_escape").decode("ascii")
    return None


def clean_label(text: str) -> str:
    """``text`` as one line that shows as itself: each hidden character (a line break in a quoted field, an ESC, a
    direction override) becomes a space, and the ends are stripped. :func:`hidden_character` then finds nothing in
    it, so a label from a file passes the rule ``clip --title`` applies."""
    return "".join(" " if is_hidden(ch) else ch for ch in text).strip()
