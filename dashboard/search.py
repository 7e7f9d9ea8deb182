"""Search across the Atlas: states and organisations, instruments and companies, by name, code, number or alias.

Pure (no Streamlit): `build_index()` turns the frames the app already has (queries.instruments / participants /
companies) into an index once per release; `search(index, query)` answers a query with at most `limit` `Hit`s, each
naming the profile page and the query parameters that open it.

How a query is matched, strongest first (a hit's score is the best of its matches, 0-100):
- 100: the query is one of the entry's keys: its name, official or short name, id, ISO2/ISO3 code, an alternative
  name from pycountry or country_converter, compared case-, accent-, space- and punctuation-blind ("U.S." = "us",
  "Open AI" = "openai", "Turkiye" = "Türkiye");
- 97: the query is only numbers and they appear in the instrument's name ("225", "78/265", "14179");
- 96: a country_converter regex for a state matches the query, as country_converter itself matches names ("UK",
  "Britain", "Turkey", "Ivory Coast", "Burma");
- up to 95: rapidfuzz's scorers against each key (`_fuzzy`: a typo of the whole name such as "Kenia", the query's
  words in a longer name such as "Seoul" or "lethal"), at least FUZZY_CUTOFF; a query with numbers and letters keeps
  that score (raised to at least 94) on entries holding all of its numbers ("CETS 225", "EO 14179") and loses 30%
  elsewhere.

A query is cleaned first: control and bidirectional-override characters dropped, at most MAX_QUERY characters kept.
Nothing of the query is ever put into a Hit, so a caller that shows hits never echoes the query.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import pandas as pd
from rapidfuzz import fuzz, process

from dashboard import participants as countries

MAX_QUERY = 100  # characters of a query that are read; no name a reader would type is longer
MAX_REGEX_QUERY = 60  # country regexes (some start with .*) only on queries of country-name length
RECALL_CUTOFF = 72.0  # candidates: rapidfuzz's WRatio at least this (then scored by _fuzzy)
FUZZY_CUTOFF = 70.0  # below this a fuzzy score is noise ("Kenia" -> Kenya scores 80, -> Armenia 72)
ALIAS_WEIGHT = 0.98  # a fuzzy match on another name counts a little less than one on the name shown ("united":
# United States before Mexico, the "United Mexican States")
FUZZY_CAP = 95.0  # a fuzzy match never outranks an exact key, a number or a country regex
LETTERS_CUTOFF = 90.0  # a query's letters found in a name that holds the query's numbers
MAX_NUMBER_HOLDERS = 2000  # entries holding a query's numbers whose letters are compared (bounds "1 x" at x100)
MAX_WORD_CANDIDATES = 2000  # names holding every word of a query that are scored ("the" at x100)
MIN_FUZZY_LEN = 3  # one or two characters: codes and exact keys only ("UK", "EU"), no fuzzy guess

PAGES = {
    "participant": ("pages/5_Country.py", "country"),
    "instrument": ("pages/6_Instrument.py", "instrument"),
    "company": ("pages/7_Company.py", "company"),
}
_KIND_ORDER = {"participant": 0, "instrument": 1, "company": 2}

# Alternative names that neither pycountry nor country_converter carries (their regexes cover "Britain", "Turkey",
# "Burma", "Ivory Coast", "Swaziland"... and their short names "Russia", "South Korea", "Vatican").
_EXTRA_ALIASES = {"USA": ("America",), "NLD": ("Holland",)}

_DROP = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_NUMBER = re.compile(r"\d+(?:/\d+)*")
_DOTS = re.compile(r"[.'’`´]")
_NON_WORD = re.compile(r"[^0-9a-z/]+")


@dataclass(frozen=True)
class Hit:
    kind: str  # instrument | participant | company
    id: str
    label: str  # the entry's display name (from the data; escape it before any Markdown call)
    score: float
    page: str  # the profile page's script, e.g. "pages/6_Instrument.py"
    params: tuple[tuple[str, str], ...]  # the query parameters that open this entry on `page`

    @property
    def query_params(self) -> dict[str, str]:
        return dict(self.params)


@dataclass(frozen=True)
class _Entry:
    kind: str
    id: str
    label: str


@dataclass(frozen=True)
class Index:
    entries: tuple[_Entry, ...]
    exact: dict  # normalised or compact key -> entry numbers
    keys: tuple[str, ...]  # normalised keys for fuzzy matching (parallel to key_entries)
    key_entries: tuple[tuple[tuple[int, float], ...], ...]  # (entry number, weight: 1 for its name, ALIAS_WEIGHT)
    numbers: dict  # number token ("225", "78/265", "78", "265") -> entry numbers
    entry_numbers: tuple[frozenset, ...]
    entry_keys: tuple[tuple[str, ...], ...]  # each entry's normalised fuzzy keys
    words: dict  # word -> positions in `keys` of the keys holding it (shortest keys first)
    regexes: tuple[tuple[re.Pattern, int], ...]  # country_converter regex -> entry number

    def __len__(self) -> int:
        return len(self.entries)


def clean(query: object) -> str:
    """The part of a query that is read: a string, without control or direction-override characters, at most
    MAX_QUERY characters, spaces collapsed."""
    if not isinstance(query, str):
        return ""
    text = _DROP.sub(" ", query[: MAX_QUERY * 4])
    text = unicodedata.normalize("NFKC", text)
    return " ".join(text.split())[:MAX_QUERY]


def normalise(text: str) -> str:
    """Case-, accent- and punctuation-blind form: 'Côte d'Ivoire' -> 'cote divoire', 'U.S.' -> 'us'."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _DOTS.sub("", text)
    return " ".join(_NON_WORD.sub(" ", text).split())


def _fuzzy(query: str, key: str) -> float:
    """How well `query` matches one key, from rapidfuzz's scorers: plain ratio scores a typo of the whole name at
    full weight ("kenia" ~ "kenya": 80, ~ "armenia": 67); the query's words among the name's (token_set_ratio,
    "seoul" in "seoul declaration") at 0.9; the query inside a longer name (partial_ratio, "bletchly") at 0.81.
    WRatio, which finds the candidates, also gives 85.5 to any two names that share one word ("open ai" and
    "eu ai act", "alert 1" and a date's "1"): that is why it is not the final score."""
    return float(
        max(fuzz.ratio(query, key), 0.9 * fuzz.token_set_ratio(query, key), 0.81 * fuzz.partial_ratio(query, key))
    )


def _holding_words(index: Index, letters: str) -> list[int]:
    """Positions in index.keys of the (at most MAX_WORD_CANDIDATES shortest) keys holding every word of `letters`."""
    sets = sorted((index.words.get(w, ()) for w in set(letters.split())), key=len)
    if not sets or not sets[0]:
        return []
    rest = [set(x) for x in sets[1:]]
    out = []
    for pos in sets[0]:
        if all(pos in r for r in rest):
            out.append(pos)
            if len(out) >= MAX_WORD_CANDIDATES:
                break
    return out


def _compact(norm: str) -> str:
    return norm.replace(" ", "")


def _numbers(text: str) -> set[str]:
    """Number tokens of a name: '78/265' and its parts '78', '265'; 'CETS 225' -> '225'."""
    out: set[str] = set()
    for tok in _NUMBER.findall(text):
        out.add(tok)
        out.update(tok.split("/"))
    return out


def _strs(*values: object) -> list[str]:
    return [v for v in values if isinstance(v, str) and v.strip()]


def _col(df: pd.DataFrame, name: str) -> list:
    if name not in df.columns:
        return [None] * len(df)
    col = df[name]
    return col.astype(object).where(col.notna(), None).tolist()


def _country_aliases() -> tuple[dict[str, list[str]], dict[str, str]]:
    """ISO3 -> alternative names (country_converter's short and official names, pycountry's names), and ISO3 ->
    country_converter's regex. country_converter's table is read directly, as dashboard.participants does."""
    import pycountry

    table = countries._coco_table()
    names: dict[str, list[str]] = {}
    regexes: dict[str, str] = {}
    for iso3, short, official, rx in zip(
        _col(table, "ISO3"), _col(table, "name_short"), _col(table, "name_official"), _col(table, "regex"), strict=True
    ):
        if not isinstance(iso3, str):
            continue
        c = pycountry.countries.get(alpha_3=iso3)
        extra = _strs(getattr(c, "name", None), getattr(c, "official_name", None), getattr(c, "common_name", None))
        names[iso3] = _strs(short, official) + extra + list(_EXTRA_ALIASES.get(iso3, ()))
        if isinstance(rx, str) and rx:
            regexes[iso3] = rx
    return names, regexes


def build_index(instruments: pd.DataFrame, participants: pd.DataFrame, companies: pd.DataFrame) -> Index:
    """The search index of one release (build once per release; it is read-only afterwards)."""
    aliases, regex_src = _country_aliases()
    entries: list[_Entry] = []
    exact: dict[str, set[int]] = {}
    fuzzy: dict[str, dict[int, float]] = {}
    numbers: dict[str, set[int]] = {}
    entry_numbers: list[frozenset] = []
    entry_keys: list[tuple[str, ...]] = []
    regexes: list[tuple[re.Pattern, int]] = []

    def add(kind: str, eid: str, label: str, keys: list[str], fuzzy_keys: list[str], nums: set[str]) -> int:
        n = len(entries)
        entries.append(_Entry(kind, eid, label))
        for k in keys:
            norm = normalise(k)
            if norm:
                exact.setdefault(norm, set()).add(n)
                exact.setdefault(_compact(norm), set()).add(n)
        mine = tuple(dict.fromkeys(k for k in map(normalise, fuzzy_keys) if k))
        primary = normalise(label)
        for norm in mine:
            weights = fuzzy.setdefault(norm, {})
            weights[n] = max(weights.get(n, 0.0), 1.0 if norm == primary else ALIAS_WEIGHT)
        entry_keys.append(mine)
        for t in nums:
            numbers.setdefault(t, set()).add(n)
        entry_numbers.append(frozenset(nums))
        return n

    for pid, name, official, iso2 in zip(
        _col(participants, "participant_id"),
        _col(participants, "name"),
        _col(participants, "official_name"),
        _col(participants, "iso2"),
        strict=True,
    ):
        alt = aliases.get(pid, [])
        names = _strs(name, official, *alt)
        n = add("participant", pid, name or pid, [pid, *_strs(iso2), *names], names, set())
        rx = regex_src.get(pid)
        if rx:
            try:
                regexes.append((re.compile(rx, re.IGNORECASE), n))
            except re.error:  # a library regex we cannot compile: the names still match
                pass

    for iid, name, short in zip(
        _col(instruments, "instrument_id"), _col(instruments, "name"), _col(instruments, "short_name"), strict=True
    ):
        names = _strs(short, name)
        add("instrument", iid, short or name or iid, [iid, *names], names, _numbers(" ".join(names)))

    for cid, name in zip(_col(companies, "company_id"), _col(companies, "name"), strict=True):
        names = _strs(name)
        add("company", cid, name or cid, [cid, *names], names, set())

    # Shortest keys first: rapidfuzz breaks ties by position, so among equal scores the plainest name is kept
    # ("Seoul Declaration" before its longer namesakes).
    keys = tuple(sorted(fuzzy, key=lambda k: (len(k), k)))
    words: dict[str, list[int]] = {}
    for pos, key in enumerate(keys):
        for w in set(key.replace("/", " ").split()):
            words.setdefault(w, []).append(pos)
    return Index(
        entries=tuple(entries),
        exact={k: tuple(sorted(v)) for k, v in exact.items()},
        keys=keys,
        key_entries=tuple(tuple(sorted(fuzzy[k].items())) for k in keys),
        numbers={k: tuple(sorted(v)) for k, v in numbers.items()},
        entry_numbers=tuple(entry_numbers),
        entry_keys=tuple(entry_keys),
        words={w: tuple(v) for w, v in words.items()},
        regexes=tuple(regexes),
    )


def search(index: Index, query: object, limit: int = 8) -> list[Hit]:
    """At most `limit` hits for `query`, best first (ties: states and organisations, then instruments, then
    companies; shorter labels first). An empty, junk or non-string query gives []. Never raises on any string."""
    text = clean(query)
    norm = normalise(text)
    if not norm or limit <= 0 or not index.entries:
        return []
    scores: dict[int, float] = {}

    def score(n: int, s: float) -> None:
        if s > scores.get(n, 0.0):
            scores[n] = s

    for key in {norm, _compact(norm)}:
        for n in index.exact.get(key, ()):
            score(n, 100.0)

    q_numbers = set(_NUMBER.findall(norm))
    letters = " ".join(_NUMBER.sub(" ", norm).replace("/", " ").split())
    holding: set[int] = set()  # the entries whose names hold every number of the query
    if q_numbers:
        holding = set.intersection(*[set(index.numbers.get(t, ())) for t in q_numbers])
        if not letters:  # "225", "78/265", "14179"
            for n in holding:
                score(n, 97.0)

    if len(text) <= MAX_REGEX_QUERY:
        low = text.casefold()
        for rx, n in index.regexes:
            if rx.search(low) or rx.search(norm):
                score(n, 96.0)

    if letters and len(_compact(norm)) >= MIN_FUZZY_LEN:
        found = process.extract(
            norm, index.keys, scorer=fuzz.WRatio, processor=None, score_cutoff=RECALL_CUTOFF, limit=max(limit * 32, 256)
        )
        candidates = dict.fromkeys(k for _key, _w, k in found)
        # WRatio scales a short query inside a long name down to 60 ("lethal" in the 60-character name of UNGA
        # 79/62): the names holding every word of the query are candidates too.
        candidates.update(dict.fromkeys(_holding_words(index, letters)))
        for k in candidates:
            key = index.keys[k]
            s = _fuzzy(norm, key)
            for n, weight in index.key_entries[k]:
                s_n = s * weight if n in holding or not q_numbers else s * weight * 0.7  # "UNGA 78/311" vs 78/265
                if s_n >= FUZZY_CUTOFF:
                    score(n, min(s_n, FUZZY_CAP))
        # Letters and numbers ("CETS 225", "EO 14179", "UNGA 78/311"): among the entries holding every number, those
        # whose names match the letters rank at 94 or more (the number names the instrument better than its
        # letters). Letters that match nothing get nothing from a number: "<script>alert(1)</script>" is not every
        # instrument with a 1 in its name.
        for n in sorted(holding)[:MAX_NUMBER_HOLDERS]:
            # The letters need only be in the name ("eo" in "us eo 14179 ..."): the number has already chosen it.
            s = max(
                (
                    max(fuzz.token_set_ratio(letters, key), fuzz.partial_ratio(letters, key))
                    for key in index.entry_keys[n]
                ),
                default=0.0,
            )
            if s >= LETTERS_CUTOFF:
                score(n, min(max(scores.get(n, 0.0), 90.0) + 4.0, 99.0))

    best = sorted(
        scores.items(),
        key=lambda kv: (
            -kv[1],
            _KIND_ORDER[index.entries[kv[0]].kind],
            len(index.entries[kv[0]].label),
            index.entries[kv[0]].label,
        ),
    )
    out = []
    for n, s in best[:limit]:
        e = index.entries[n]
        page, param = PAGES[e.kind]
        out.append(Hit(e.kind, e.id, e.label, round(s, 1), page, ((param, e.id),)))
    return out
