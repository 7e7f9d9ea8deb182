"""Rules for free text and URL hosts in the sources: what a reader sees must be what the file says.

Used by the build (`dashboard/validate.py`), which refuses what these functions object to, and by the exports
(`dashboard/exports.py`). Pure functions on strings, no I/O; each problem is one sentence that names the character
by its code point and Unicode name, never by echoing an invisible or reordering character.

- Formula-like text: a cell starting with `=`, `+`, `-`, `@`, TAB, CR (or their full-width forms) runs as a formula
  in a spreadsheet. Refused; a value that must really start so is written with a leading apostrophe (`'-…`), which
  the build removes (see data/README.md, "Text fields").
- Invisible and reordering characters: C0/C1 controls (TAB and new line allowed inside text), DEL, line/paragraph
  separators U+2028/2029, private-use characters, and every format character (Unicode category Cf): bidirectional
  embeddings, overrides and isolates (U+202A–202E, U+2066–2069), marks (U+200E/200F, U+061C), zero-width
  characters (U+200B–200D, U+2060, U+FEFF), the soft hyphen.
- NFC: text must already be in Unicode Normalization Form C, so that "Türkiye" is one string whichever keyboard
  typed it. Refused rather than silently normalised: the sources are the reviewed record, and an NFD/NFC change is
  invisible in a diff.
- Mixed scripts: one word may not mix letters of different scripts (a Cyrillic "о" in "Micrоsoft", a full-width
  "Ｍ" in "Ｍicrosoft", a mathematical "𝐀"), except the combinations East Asian writing uses (Latin with Han,
  Hiragana, Katakana, Hangul or Bopomofo; UTS #39 "highly restrictive"). Text wholly in another script is fine.
  A letter's script is read from its Unicode name ("CYRILLIC SMALL LETTER O"): the standard library has no script
  property, and the names carry it for every letter in use here.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

# Spreadsheet formula triggers (OWASP: = + - @ TAB CR) and their full-width forms, which some locales also run.
FORMULA_START = "=+-@\t\r\uff1d\uff0b\uff0d\uff20"
QUOTABLE = "=+-@\uff1d\uff0b\uff0d\uff20"  # signs the apostrophe exception may protect (never TAB or CR)
PLAIN_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)*%?")  # a number, not a formula: -2, +44, 1,5
# Scripts that one word may combine (UTS #39, "highly restrictive"); full-width Latin counts as Latin here.
_EAST_ASIAN = ({"Latin", "Han", "Hiragana", "Katakana"}, {"Latin", "Han", "Bopomofo"}, {"Latin", "Han", "Hangul"})
_BAD_CATEGORIES = {
    "Cc": "a control character",
    "Cf": "an invisible formatting character",
    "Zl": "a line separator",
    "Zp": "a paragraph separator",
    "Co": "a private-use character",
    "Cs": "a lone surrogate",
}
_NEUTRAL_LETTERS = {"MICRO SIGN"}  # a unit symbol (µg), not a Greek look-alike in a Latin word


def char_name(ch: str) -> str:
    """'U+043E CYRILLIC SMALL LETTER O'."""
    return f"U+{ord(ch):04X} {unicodedata.name(ch, 'unnamed')}"


def formula_problem(value: str) -> str | None:
    """Why the (stripped) text `value` would run as a spreadsheet formula, or None."""
    if value and value[0] in FORMULA_START and not PLAIN_NUMBER.fullmatch(value):
        sign = {"\t": "a TAB", "\r": "a CR"}.get(value[0], repr(value[0]))
        return (
            f"text starts with {sign}, which a spreadsheet opening the CSV runs as a formula; reword it, or if it "
            f"must start so, write it with a leading apostrophe ('{value[0].strip() or '…'}…): the build then "
            "keeps the text without the apostrophe"
        )
    return None


def unquote_formula(value: str) -> str:
    """The documented exception: `'=…` / `'-…` in a source cell means the text `=…` / `-…`."""
    if len(value) > 1 and value[0] == "'" and value[1] in QUOTABLE:
        return value[1:]
    return value


def _script(ch: str) -> str | None:
    """The script of a letter, from its Unicode name; None for anything that is not a letter of a script."""
    if not unicodedata.category(ch).startswith("L"):
        return None
    name = unicodedata.name(ch, "")
    if not name:
        return "an unnamed script"
    if name in _NEUTRAL_LETTERS or name.startswith("MODIFIER LETTER"):  # ʻ in Hawaiʻi, ʼ in Anishinaabemowin
        return None
    if name in ("FEMININE ORDINAL INDICATOR", "MASCULINE ORDINAL INDICATOR"):  # 1º, 2ª
        return "Latin"
    first, _, rest = name.partition(" ")
    if first in ("CJK", "IDEOGRAPHIC"):
        return "Han"
    if first == "KATAKANA-HIRAGANA":
        return "Katakana"
    if first == "FULLWIDTH":
        return "Fullwidth Latin" if rest.startswith("LATIN") else rest.split(" ")[0].title()
    if first == "HALFWIDTH":
        return rest.split(" ")[0].title()
    return first.title()


_WORD = re.compile(r"[^\W\d_]+")  # runs of letters: a combining mark or an apostrophe ends a word


def mixed_script_problem(text: str) -> str | None:
    """Why a word of `text` mixes scripts (a look-alike), or None. ASCII text never does."""
    if text.isascii():
        return None
    for m in _WORD.finditer(text):
        word = m.group(0)
        if word.isascii():
            continue
        letters = [(ch, _script(ch)) for ch in word]
        letters = [(ch, s) for ch, s in letters if s]
        scripts = {s for _, s in letters}
        if len(scripts) <= 1:
            continue
        if not ({"Latin", "Fullwidth Latin"} <= scripts):
            folded = {"Latin" if s == "Fullwidth Latin" else s for s in scripts}
            if any(folded <= ok for ok in _EAST_ASIAN):
                continue
        counts = {s: sum(1 for _, x in letters if x == s) for s in scripts}
        main = max(sorted(scripts), key=lambda s: counts[s])
        odd = next(ch for ch, s in letters if s != main)
        others = " and ".join(sorted(scripts - {main}))
        return (
            f"the word {word!r} mixes {main} and {others} letters ({char_name(odd)}): a look-alike of another "
            "letter? Write each word in one script"
        )
    return None


def invisible_problem(text: str) -> str | None:
    """Why `text` holds a control, separator or invisible formatting character (TAB and new line allowed)."""
    for ch in text:
        if ch in "\n\t":
            continue
        if ch.isascii() and ch.isprintable():
            continue
        what = _BAD_CATEGORIES.get(unicodedata.category(ch))
        if what:
            return f"text contains {what}, {char_name(ch)}: it would change what a reader sees; remove it"
    return None


def text_problems(value: str, formula_ok: bool = False) -> list[str]:
    """Every rule above that the (stripped) text `value` breaks; the formula rule too unless `formula_ok` (the
    value was written with the exception's apostrophe)."""
    out = [p for p in (None if formula_ok else formula_problem(value), invisible_problem(value)) if p]
    if not value.isascii():
        if not unicodedata.is_normalized("NFC", value):
            out.append(
                "text is not in Unicode NFC form (an accented letter written as a letter plus a combining "
                "mark, as some editors save it); re-save it as NFC, e.g. "
                "python -c \"import sys,unicodedata as u;print(u.normalize('NFC',sys.stdin.read()),end='')\""
            )
        mixed = mixed_script_problem(value)
        if mixed:
            out.append(mixed)
    return out


_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")


def host_problem(host: str) -> str | None:
    """Why a URL's host name is not a plain ASCII host, or is an international (xn--) name that mixes scripts or
    is made only of letters that look like Latin ones; None if it is fine. The app's `fmt.safe_url` shows a link
    only for an ASCII host, so the build must refuse any other."""
    if not host.isascii():
        odd = next(ch for ch in host if not ch.isascii())
        return (
            f"host name has a non-ASCII character ({char_name(odd)}): a look-alike of an ASCII name? Write the "
            "host in ASCII (an international name in its xn-- form)"
        )
    labels = host.split(".")
    if len(labels) < 2 or not all(_LABEL.fullmatch(lb) for lb in labels):
        return f"URL has no valid host name ({host!r})"
    for lb in labels:
        if not lb.lower().startswith("xn--"):
            continue
        try:
            decoded = codecs.decode(lb[4:].lower().encode("ascii"), "punycode")
        except (UnicodeError, ValueError):
            return f"host label {lb!r} is not valid punycode"
        if decoded.isascii():
            return f"host label {lb!r} is punycode for the ASCII name {decoded!r}: write it in ASCII"
        mixed = mixed_script_problem(decoded)
        if mixed:
            return f"host label {lb!r} ({decoded!r}) is an international look-alike name: {mixed}"
        if _all_latin_lookalikes(decoded):
            return (
                f"host label {lb!r} ({decoded!r}) is an international name made only of letters that look "
                "like Latin ones: a look-alike of an ASCII host"
            )
    return None


def _all_latin_lookalikes(label: str) -> bool:
    """True when every letter of `label` is a Cyrillic, Greek or Armenian letter that has a Latin look-alike
    (Unicode's confusables.txt, the letters among them that fit a host name)."""
    letters = [ch for ch in label if unicodedata.category(ch).startswith("L")]
    return bool(letters) and all(ch in _LATIN_LOOKALIKES for ch in letters)


# Lower-case Cyrillic, Greek and Armenian letters that Unicode's confusables.txt maps to a Latin letter and that a
# host name can hold (names are lower-cased before this check). A subset: a label is refused only when *every*
# letter is one of them ("сое" for "coe"), so a real Cyrillic or Greek name ("президент") still passes.
_LATIN_LOOKALIKES = set(
    "асԁеһіјӏорԛѕԝхуькгп"  # Cyrillic: a c d e h i j l o p q s w x y b k r n
    "αοριυνκχγϲϳεω"  # Greek: a o p i u v k x y c j e w
    "օսհոցզռ"  # Armenian: o u h n g q n
)
