"""Every page under AppTest on the fixture release: what it shows, how widgets and URLs change it."""

from __future__ import annotations

import pytest

from tests.apptest_utils import PAGE_FILES, run_page, texts

pytestmark = [pytest.mark.app, pytest.mark.usefixtures("fixture_db")]

CETS_OPENING_DAY = {
    "Andorra",
    "Georgia",
    "Iceland",
    "Norway",
    "Republic of Moldova",
    "San Marino",
    "United Kingdom",
    "Israel",
    "United States",
}  # + the European Union, shown beside the map as an organisation


def _frame(at, column: str):
    """The first dataframe on the page that has `column`."""
    for df in at.dataframe:
        if column in df.value.columns:
            return df.value
    raise AssertionError(f"no dataframe with column {column!r}; have {[list(d.value.columns) for d in at.dataframe]}")


@pytest.mark.parametrize("page", PAGE_FILES)
def test_every_page_runs_and_shows_the_as_of_date(page):
    at = run_page(page)
    assert not at.exception, at.exception
    assert "30 June 2026" in texts(at), "the dataset's as-of date must be on every page"
    assert at.title, "every page has a title"


def test_overview_headline_numbers():
    at = run_page()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Instruments"] == "6"
    assert metrics["Binding"] == "3"  # CETS 225, EU AI Act, SB 1047 (a bill is classed by what it would have been)
    assert metrics["Voluntary"] == "3"
    assert metrics["Companies"] == "10"


def test_overview_as_of_recomputes_counts():
    at = run_page(query={"as_of": "2023-12-31"})
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Instruments"] == "1"  # only the Bletchley Declaration was adopted by then (of the fixture's six)
    assert "as it stood on 31 December 2023" in texts(at)


def _map(query):
    """The map page with its table open (the table is lazy: sent only while its expander is open)."""
    at = run_page("pages/1_World_map.py", query)
    assert not at.dataframe, "the table is not sent until the reader opens it"
    at.session_state["map-table"] = True
    return at.run()


def test_map_cets_signatories_on_opening_day():
    at = _map({"instrument": "cets-225", "as_of": "2024-09-05"})
    table = _frame(at, "participant_id")
    states = set(table.loc[(table["status_label"] == "Signed") & (table["participant_id"] != "EU"), "name"])
    assert states == CETS_OPENING_DAY
    assert set(table["action_date"].astype(str)) == {"2024-09-05"}
    orgs = table[table["participant_id"] == "EU"]
    assert list(orgs["name"]) == ["European Union"] and list(orgs["status_label"]) == ["Signed"]
    assert "**European Union** (organisation, not drawn on the map): Signed · 05 Sep 2024" in texts(at)


def test_map_cets_on_dataset_date_flags_unverified_rows():
    at = _map({"instrument": "cets-225"})
    table = _frame(at, "participant_id")
    assert len(table) == 21  # 21 signatories by 30 June 2026: 20 states on the map, the EU in a line beside it
    assert "20 states and 1 organisation with a record on 30 June 2026." in texts(at)
    unverified = set(table.loc[table["verified"] == "UNVERIFIED", "name"])
    assert unverified == {"Albania", "Bosnia and Herzegovina", "North Macedonia", "European Union"}
    eu = table[table["participant_id"] == "EU"].iloc[0]
    assert eu["status_label"] == "Ratified / approved"  # EU approval 2026-05-15 (unverified)
    assert "Ratified / approved · 15 May 2026 · **UNVERIFIED** · [source ↗](<https://" in texts(at)


def test_map_eu_regulation_applies_in_member_states_not_in_the_uk():
    at = _map({"instrument": "eu-ai-act"})
    table = _frame(at, "participant_id")
    members = set(table.loc[table["status_label"] == "Applies as EU member", "name"])
    assert len(members) == 27 and "France" in members and "United Kingdom" not in members


def test_map_selectbox_change_updates_table_and_url():
    at = _map({"instrument": "cets-225"})
    before = len(_frame(at, "participant_id"))
    at.selectbox(key="instrument").select("bletchley-declaration").run()
    after = _frame(at, "participant_id")  # the open table stays open across the change
    assert len(after) != before and "China" in set(after["name"])
    assert at.query_params["instrument"] == "bletchley-declaration"


def test_cite_this_view_is_sent_only_when_opened_and_links_the_exact_view():
    at = run_page("pages/1_World_map.py", {"instrument": "bletchley-declaration", "as_of": "2024-01-01"})
    assert not at.code, "the citation's code blocks are lazy"
    at.session_state["cite-map"] = True
    at.run()
    link, citation = (c.value for c in at.code)
    assert link.endswith("/World_map?as_of=2024-01-01&instrument=bletchley-declaration")
    assert "“World map: Bletchley Declaration" in citation and "view as of 2024-01-01" in citation
    assert "Primary sources: https://" in citation


def test_entry_into_force_counts_and_status():
    at = run_page("pages/2_Entry_into_force.py", {"instrument": "cets-225"})
    assert [m.value for m in at.metric] == ["1 / 5", "0 / 3"]
    assert "Not in force on 30 June 2026" in texts(at)
    assert "European Union" in texts(at)  # named as counted but unverified
    sig = _frame(at, "could_tip")
    assert set(sig.loc[sig["status"] == "Ratified / approved", "participant"]) == {"European Union"}
    tippers = set(sig.loc[sig["could_tip"], "participant"])
    assert {"United Kingdom", "Norway", "Andorra"} <= tippers and "United States" not in tippers


def test_entry_into_force_before_the_eu_approval():
    at = run_page("pages/2_Entry_into_force.py", {"instrument": "cets-225", "as_of": "2025-01-01"})
    assert [m.value for m in at.metric] == ["0 / 5", "0 / 3"]


def test_what_if_moves_the_projected_date():
    at = run_page("pages/2_Entry_into_force.py", {"instrument": "cets-225", "whatif": "GBR,NOR,AND,SMR"})
    assert [m.value for m in at.metric] == ["5 / 5", "4 / 3"]
    assert "01 October 2026" in texts(at)  # met 30 June 2026 -> +3 months -> first day of the following month
    at2 = run_page(
        "pages/2_Entry_into_force.py", {"instrument": "cets-225", "whatif": "GBR,NOR,AND,SMR", "as_of": "2026-05-20"}
    )
    assert "01 September 2026" in texts(at2)  # the same ratifications on 20 May move it a month earlier


def test_what_if_widget_change_moves_counts():
    at = run_page("pages/2_Entry_into_force.py", {"instrument": "cets-225"})
    at.multiselect(key="whatif").select("GBR").select("NOR").run()
    assert [m.value for m in at.metric] == ["3 / 5", "2 / 3"]
    assert at.query_params["whatif"] == "GBR,NOR"


def test_what_if_repeated_id_counts_once():
    """Probe 3f: the multiselect value ["GBR"] * 5 (as a tampered websocket message can send it) counts GBR once,
    in the metrics, the queries function and the URL."""
    from dashboard import facts, queries

    at = run_page("pages/2_Entry_into_force.py", {"instrument": "cets-225"})
    at.multiselect(key="whatif").set_value(["GBR"] * 5).run()
    assert not at.exception
    assert [m.value for m in at.metric] == ["2 / 5", "1 / 3"]
    assert at.query_params["whatif"] == "GBR"
    rel = queries.current_release()
    as_of = queries.dataset_info(rel)["as_of"]
    once = facts.eif_progress(rel, "cets-225", as_of, ("GBR",))
    five = facts.eif_progress(rel, "cets-225", as_of, ("GBR",) * 5)
    assert (five.parties, five.coe_parties) == (once.parties, once.coe_parties) == (2, 1)


def test_binding_vs_voluntary_filters_change_counts():
    at = run_page("pages/3_Binding_vs_voluntary.py")
    all_states = _frame(at, "Binding")
    at_coe = run_page("pages/3_Binding_vs_voluntary.py", {"bloc": "coe"})
    coe_states = _frame(at_coe, "Binding")
    assert 0 < len(coe_states) < len(all_states)
    assert "China" in set(all_states["name"]) and "China" not in set(coe_states["name"])
    at_asia = run_page("pages/3_Binding_vs_voluntary.py", {"region": "Asia"})
    assert set(_frame(at_asia, "Binding")["region"]) == {"Asia"}


def test_corporate_stances_matrix_and_filters():
    at = run_page("pages/4_Corporate_stances.py")
    table = _frame(at, "quote")
    pact = table[table["instrument"] == "EU AI Pact"]
    assert set(pact.loc[pact["stance"] == "signed", "company"]) >= {
        "Microsoft",
        "Google (Alphabet)",
        "OpenAI",
        "Amazon",
    }
    # "Declined" only where the company said no; absence from the launch list is "not on the list", not a stance.
    assert set(pact.loc[pact["stance"] == "declined", "company"]) == {"Meta", "Mistral AI"}
    assert set(pact.loc[pact["stance"] == "not_listed", "company"]) >= {"Apple", "Anthropic", "TikTok"}
    meta = pact[pact["company"] == "Meta"].iloc[0]
    assert "AI Pact" in meta["quote"]
    declined = _frame(run_page("pages/4_Corporate_stances.py", {"stance": "declined"}), "quote")
    # A filter on one stance shows only that stance (not the same companies' other stances).
    assert set(declined["stance"]) == {"declined"}
    assert set(declined["company"]) == {"Meta", "Mistral AI"}


def test_country_profile_lists_every_instrument():
    at = run_page("pages/5_Country.py", {"country": "NOR"})
    table = _frame(at, "binding")
    assert len(table) == 6  # every instrument of the fixture, with "No record" where none
    row = table[table["instrument"].str.contains("CETS 225")].iloc[0]
    assert row["status_label"] == "Signed" and str(row["date"]) == "2024-09-05"
    assert at.selectbox(key="country").value == "NOR"


def test_instrument_profile_shows_stances_and_timeline():
    at = run_page("pages/6_Instrument.py", {"instrument": "eu-ai-pact"})
    stances = _frame(at, "quote")
    assert {"Meta", "Microsoft"} <= set(stances["company"])
    assert "Voluntary" in [m.value for m in at.metric]


def test_company_profile_and_home_state():
    at = run_page("pages/7_Company.py", {"company": "meta"})
    stances = _frame(at, "quote")
    assert "declined" in set(stances["stance"])
    home = _frame(at, "same_instrument")
    assert "CETS 225" in " ".join(home["instrument"])  # the United States signed CETS 225


def test_data_page_lists_unverified_rows_and_sources():
    at = run_page("pages/8_Data_and_sources.py")
    unv = _frame(at, "row_kind")
    assert "North Macedonia" in set(unv["subject"])
    files = _frame(at, "producer")
    assert "actions/main.csv" in set(files["path"])
    assert len(at.get("download_button")) >= 3


def test_url_round_trip_restores_the_same_view():
    query = {"instrument": "cets-225", "as_of": "2025-06-01", "whatif": "NOR"}
    at = run_page("pages/2_Entry_into_force.py", query)
    canonical = dict(at.query_params.items())
    assert canonical == query
    again = run_page("pages/2_Entry_into_force.py", canonical)
    assert [m.value for m in again.metric] == [m.value for m in at.metric]
    assert again.multiselect(key="whatif").value == ["NOR"]


def test_tampered_parameters_fall_back_with_a_notice():
    at = run_page(
        "pages/1_World_map.py", {"instrument": "<script>alert(1)</script>", "as_of": "2099-01-01", "evil": "x"}
    )
    assert not at.exception
    assert at.selectbox(key="instrument").value == "cets-225"
    notice = " ".join(i.value for i in at.info)
    assert "reset to defaults: as_of, instrument" in notice and "1 unknown link parameter" in notice
    assert "<script>" not in texts(at) and "2099" not in texts(at)


def _fingerprint(value):
    """A content digest of a memoised value, all the way down: frames by their cells, figures and decks by their
    JSON, containers and dataclasses (MapView) by their parts. A type it does not know fails the test rather than
    being skipped, so no memoised value goes unchecked."""
    import dataclasses
    import hashlib
    from datetime import date

    import pandas as pd
    import plotly.graph_objects as go
    import pydeck as pdk

    if isinstance(value, pd.DataFrame):
        return (
            "frame",
            tuple(value.columns),
            tuple(map(str, value.dtypes)),
            int(pd.util.hash_pandas_object(value.astype(str), index=True).sum()),
        )
    if isinstance(value, pd.Series):
        return ("series", value.name, str(value.dtype), int(pd.util.hash_pandas_object(value.astype(str)).sum()))
    if isinstance(value, go.Figure):
        return ("figure", hashlib.sha256(value.to_json().encode()).hexdigest())
    if isinstance(value, pdk.Deck):  # pydeck's own to_json: the Atlas's CompactDeck caches its JSON
        return ("deck", hashlib.sha256(pdk.Deck.to_json(value).encode()).hexdigest())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__, *(_fingerprint(getattr(value, f.name)) for f in dataclasses.fields(value)))
    if isinstance(value, dict):
        return ("dict", tuple(sorted((repr(k), _fingerprint(v)) for k, v in value.items())))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(_fingerprint(v) for v in value))
    if isinstance(value, (set, frozenset)):
        return ("set", tuple(sorted(map(repr, value))))
    if value is None or isinstance(value, (str, int, float, bool, date)):
        return repr(value)
    raise TypeError(f"no fingerprint for a memoised {type(value).__name__}: teach _fingerprint to read it")


def _frames_in(fp) -> int:
    """How many frames a fingerprint looked inside (nested ones included)."""
    if isinstance(fp, tuple):
        return (fp[:1] == ("frame",)) + sum(_frames_in(x) for x in fp[1:])
    return 0


def test_no_page_mutates_shared_cached_values():
    """dashboard/cache.py shares one object between sessions (no copy per hit): a page that assigned into a frame
    it got from queries.* would change what every other visitor sees. Run every page twice, with other settings
    the second time, and check that the values memoised in the first pass are cell-for-cell unchanged."""
    from dashboard import cache

    cache.clear_all()
    for page in PAGE_FILES:
        assert not run_page(page).exception
    before = {(name, repr(key)): _fingerprint(v) for name, key, v in cache.entries()}
    assert sum(map(_frames_in, before.values())) >= 10, "the pages memoise their frames"
    nested = {k for k, fp in before.items() if isinstance(fp, tuple) and fp[0] != "frame" and _frames_in(fp)}
    assert any(name == "map_view" for name, _ in nested), "frames inside a view model (MapView.table) are compared"
    for page, query in [
        *((p, {}) for p in PAGE_FILES),
        ("pages/1_World_map.py", {"instrument": "binding"}),
        ("pages/5_Country.py", {"country": "FRA"}),
        ("pages/4_Corporate_stances.py", {"stance": "declined"}),
        ("pages/2_Entry_into_force.py", {"whatif": "NOR,GBR"}),
    ]:
        at = run_page(page, query)
        assert not at.exception, (page, at.exception)
        assert not [i.value for i in at.info if "link" in str(i.value)], (page, query)  # every link here is valid
    what_if = [m.value for m in at.metric]
    assert what_if[0] == "3 / 5", what_if  # the what-if leg really ran with the two hypothetical consents
    after = {(name, repr(key)): _fingerprint(v) for name, key, v in cache.entries()}
    changed = [k for k, fp in before.items() if k in after and after[k] != fp]
    assert not changed, f"memoised values changed by a page: {changed}"
