"""Accessibility without a browser: the sentences that state a map's or chart's figures (dashboard/views/alttext.py),
status never by colour alone (the map markers' and the matrix cells' symbols, the legend's), a palette that stays
distinct for colour-blind readers, and the focus style's CSS. The browser half is tests/test_browser_a11y.py."""

from __future__ import annotations

import itertools
import json
from datetime import date

import colorspacious  # requirements-dev.txt: a missing install fails the run instead of skipping the check
import numpy as np
import pandas as pd
import pytest

from dashboard import charts, maps
from dashboard.config import STANCE_COLORS, STANCE_SYMBOLS, STATUS_COLORS, STATUS_LABELS, STATUS_ORDER, STATUS_SYMBOLS
from dashboard.palette import hex_rgb
from dashboard.views import alttext

pytestmark = pytest.mark.unit

DAY = date(2026, 11, 23)


def statuses(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    """A statuses frame as facts.statuses gives it: (participant_id, name, kind, status)."""
    df = pd.DataFrame(rows, columns=["participant_id", "name", "kind", "status"])
    return df.assign(status_label=df["status"].map(STATUS_LABELS))


CETS = statuses(
    [
        ("NOR", "Norway", "state", "signed"),
        ("GBR", "United Kingdom", "state", "signed"),
        ("ISL", "Iceland", "state", "party"),
        ("EU", "European Union", "organisation", "party"),
        ("BRA", "Brazil", "state", "none"),
        ("IND", "India", "state", "none"),
        ("AU", "African Union", "organisation", "none"),
    ]
)


# ------------------------------------------------------------------------------------------- sentences with figures


def test_map_sentence_states_the_counts_and_names_the_organisations():
    assert alttext.map_sentence("CETS 225", DAY, CETS) == (
        "CETS 225 on 23 November 2026: 1 state ratified or approved, 2 signed; "
        "1 organisation ratified or approved (European Union); 2 states: no record."
    )


def test_map_sentence_uses_the_legends_word_for_a_partial_list():
    partial = CETS.assign(status_label=CETS["status_label"].where(CETS["status"] != "none", "Not named (list partial)"))
    assert alttext.map_sentence("Paris", DAY, partial).endswith("; 2 states: not named (list partial).")


def test_map_sentence_with_no_record_at_all():
    empty = statuses([("NOR", "Norway", "state", "none")])
    assert alttext.map_sentence("X", DAY, empty) == "X on 23 November 2026: no state has a record; 1 state: no record."


def test_legend_in_words_gives_symbol_status_and_count():
    legend = maps.legend(CETS)
    assert alttext.legend_words(legend) == (
        "Legend (marker symbol, status, number of states): ✓ Ratified / approved (1), S Signed (2), No record (2)."
    )


def test_names_caps_the_list():
    assert alttext.names(["A"]) == "A"
    assert alttext.names(["A", "B", "C"]) == "A, B and C"
    assert alttext.names(list("ABCDEFG")) == "A, B, C, D, E and 2 more"


def test_eif_sentence_counts_against_the_rule_and_gives_the_verdict_without_markdown():
    text = alttext.eif_sentence(
        "CETS 225", DAY, 1, 5, 0, 3, "Both conditions met: projected entry into force **01 October 2026**."
    )
    assert text == (
        "CETS 225 on 23 November 2026: 1 of 5 ratifications or approvals needed, 0 of the 3 by Council of Europe "
        "member states. Both conditions met: projected entry into force 01 October 2026."
    )


INSTRUMENTS = pd.DataFrame(
    {
        "adopted_on": [date(2023, 11, 1), date(2024, 5, 17), date(2024, 6, 13), None],
        "legally_binding": [False, True, True, False],
        "kind": ["declaration", "treaty", "regulation", "declaration"],
    }
)


def test_over_time_and_by_kind_sentences():
    assert alttext.over_time_sentence(INSTRUMENTS) == (
        "3 instruments adopted from 2023 to 2024: 2 binding, 1 voluntary; the most in 2024 (2)."
    )
    assert alttext.by_kind_sentence(INSTRUMENTS) == (
        "Instruments by kind: Declaration 2 (voluntary); Regulation 1 (binding); Treaty 1 (binding)."
    )


def test_commitments_sentence_lists_the_most_committed_first():
    cc = pd.DataFrame({"name": ["Norway", "France", "Chad"], "Binding": [1, 2, 0], "Voluntary": [3, 1, 0]})
    assert alttext.commitments_sentence(cc) == (
        "2 states and organisations with a commitment; the most: Norway 1 binding, 3 voluntary; "
        "France 2 binding, 1 voluntary."
    )


def test_company_stances_sentence_counts_the_latest_stance_per_commitment():
    sf = pd.DataFrame(
        {
            "company_id": ["meta", "meta", "meta", "ibm"],
            "company": ["Meta", "Meta", "Meta", "IBM"],
            "instrument_id": ["pact", "pact", "code", "pact"],
            "stance": ["signed", "declined", "signed", "signed"],
            "stance_date": [date(2024, 1, 1), date(2024, 9, 1), date(2025, 1, 1), date(2024, 9, 1)],
        }
    )
    assert alttext.company_stances_sentence(sf) == (
        "2 companies with a stance; the most: Meta: 1 signed, 1 declined; IBM: 1 signed."
    )


def test_matrix_sentence_counts_cells_by_stance_with_their_symbols():
    m = pd.DataFrame([["signed", "none"], ["declined", "signed"]], index=["Meta", "IBM"], columns=["Pact", "Code"])
    assert (
        alttext.matrix_sentence(m)
        == "2 companies × 2 commitments: 2 signed (✓), 1 declined (✕); 1 cells with no record."
    )


def test_timeline_sentence_gives_the_span_the_latest_and_what_is_scheduled():
    ev = pd.DataFrame({"event_date": [date(2024, 9, 5), date(2024, 5, 17)], "title": ["Opened", "Adopted"]})
    soon = pd.DataFrame({"event_date": [date(2027, 1, 1)], "title": ["Enters into force"]})
    assert alttext.timeline_sentence("CETS 225", DAY, ev, soon) == (
        "Timeline of CETS 225: 2 events from 17 May 2024 to 05 September 2024, the latest: Opened; "
        "1 event scheduled after 23 November 2026: 01 January 2027, Enters into force."
    )
    assert alttext.timeline_sentence("X", DAY, ev.head(0), None) == "Timeline of X: no dated event."


# ------------------------------------------------------------------------------------------- never by colour alone


def test_every_status_but_no_record_has_its_own_symbol():
    shown = [STATUS_SYMBOLS[s] for s in STATUS_ORDER if s != "none"]
    assert all(len(s) == 1 for s in shown) and len(set(shown)) == len(shown), STATUS_SYMBOLS
    assert STATUS_SYMBOLS["none"] == ""
    marks = [STANCE_SYMBOLS[s] for s in STANCE_SYMBOLS if s != "none"]
    assert all(marks) and len(set(marks)) == len(marks), STANCE_SYMBOLS


def test_map_markers_carry_their_status_symbol():
    df = CETS.assign(
        lon=[10.0, -2.0, -19.0, 4.0, -50.0, 78.0, 20.0],
        lat=[62.0, 54.0, 65.0, 50.0, -10.0, 21.0, 0.0],
        verified=True,
        action_date=None,
        date_precision="day",
    )
    deck = maps.world_map(df)
    layers = {layer.id: layer for layer in deck.layers}
    assert layers["symbol-signed"].data == [[10.0, 62.0], [-2.0, 54.0]]
    assert layers["symbol-party"].data == [[-19.0, 65.0]]  # the EU is an organisation: no marker
    assert "symbol-none" not in layers
    spec = {layer["id"]: layer for layer in json.loads(deck.to_json())["layers"]}
    assert spec["symbol-signed"]["getText"] == "@@='S'" and spec["symbol-party"]["getText"] == "@@='✓'"
    assert spec["symbol-party"]["characterSet"] == "✓"  # deck.gl's glyph atlas holds the symbol (default: ASCII)
    # Glyphs come from the browser's own fonts: nothing in the layer names a font file or URL to fetch.
    assert not any("http" in str(v) or "url(" in str(v) for v in spec["symbol-signed"].values())


def test_legend_svg_draws_the_same_symbols():
    svg = maps.legend_svg(maps.legend(CETS))
    assert ">✓</text>" in svg and ">S</text>" in svg and "Signed (2)" in svg


def test_stance_matrix_writes_a_symbol_in_every_cell_with_a_stance():
    m = pd.DataFrame([["signed", "none"], ["declined", "opposed"]], index=["Meta", "IBM"], columns=["Pact", "Code"])
    fig = charts.stance_matrix(m, m.replace({"signed": "Signed"}))
    heat = fig.data[0]
    assert heat.texttemplate == "%{text}"
    assert [list(r) for r in heat.text] == [["✓", ""], ["✕", "−"]]


# ------------------------------------------------------------------------------------------- colour-blind palette

# The smallest CAM02-UCS distance (ΔE′) allowed between two status colours, for normal vision and each full
# dichromacy (colorspacious's simulation, Machado et al. 2009, severity 100). The map palette's closest pair is 7.1
# (tritanopia: "Applies as EU member" yellow vs "Issuer (scheduled / bill pending)" light orange), the stances
# matrix's 11.7 (tritanopia: signed blue vs supported green).
MIN_DELTA = 7.0
VISIONS = (None, "deuteranomaly", "protanomaly", "tritanomaly")


def seen(rgb: tuple[int, int, int], cvd: str | None) -> np.ndarray:
    c = np.asarray(rgb, dtype=float) / 255
    if cvd:
        c = colorspacious.cspace_convert(c, {"name": "sRGB1+CVD", "cvd_type": cvd, "severity": 100}, "sRGB1")
    return colorspacious.cspace_convert(np.clip(c, 0, 1), "sRGB1", "CAM02-UCS")


def closest_pair(palette: dict[str, tuple[int, int, int]]) -> tuple[float, str | None, str, str]:
    out = (float("inf"), None, "", "")
    for cvd in VISIONS:
        ucs = {k: seen(c, cvd) for k, c in palette.items()}
        for a, b in itertools.combinations(palette, 2):
            d = float(np.linalg.norm(ucs[a] - ucs[b]))
            out = min(out, (d, cvd, a, b), key=lambda t: t[0])
    return out


@pytest.mark.parametrize(
    "palette",
    [STATUS_COLORS, {k: hex_rgb(v) for k, v in STANCE_COLORS.items()}],
    ids=["map statuses", "stances matrix"],
)
def test_palette_stays_distinct_for_colour_blind_readers(palette):
    d, cvd, a, b = closest_pair(palette)
    assert d >= MIN_DELTA, f"{a} and {b} are {d:.1f} apart (CAM02-UCS) for {cvd or 'normal'} vision: < {MIN_DELTA}"


@pytest.mark.parametrize(
    "pair",
    [((221, 204, 119), (255, 205, 130)), ((0, 158, 115), (0, 160, 118))],
    ids=["sand-vs-light-orange (the old 'abstained')", "two greens"],
)
def test_palette_check_fails_for_colours_a_reader_cannot_tell_apart(pair):
    d, *_ = closest_pair(dict(STATUS_COLORS) | {"x": pair[0], "y": pair[1]})
    assert d < MIN_DELTA


def test_matrix_legend_names_every_symbol_with_its_stance():
    from dashboard.views.stances import legend_text

    text = legend_text()
    assert "✓ signed (blue)" in text and "✕ declined (vermilion)" in text and "○ not on the list" in text


def test_marker_radii_are_screen_pixels_so_markers_keep_their_symbols_at_every_zoom():
    df = CETS.assign(lon=0.0, lat=0.0, verified=True, action_date=None, date_precision="day")
    spec = {layer["id"]: layer for layer in json.loads(maps.world_map(df).to_json())["layers"]}
    assert spec["markers"]["radiusUnits"] == "pixels"  # not "@@=pixels", an expression deck.gl ignores as a unit
    assert 2 * maps.MARKER_PX >= maps.SYMBOL_PX + 4
