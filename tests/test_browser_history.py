"""The browser's Back and Forward in real Chromium: each returns to the previous view exactly (page, selection, date),
with no notice, and one view is one history entry (a sidebar link or a changed selection is one Back step).

Streamlit pushes a history entry whenever the server writes the query string, and on Back or Forward it reruns the
page with that entry's query: dashboard/ui.py then takes the URL as the source of truth (see `page`)."""

from __future__ import annotations

import shutil

import pytest

from tests.browser_utils import PAGE_TIMEOUT_MS, new_context, shot, wait_idle, wait_ready

playwright_sync = pytest.importorskip("playwright.sync_api")
if not shutil.which("chromium"):
    pytest.skip("Debian chromium is not installed (scripts/test.sh installs it)", allow_module_level=True)

pytestmark = [pytest.mark.system, pytest.mark.browser]


def seen(page) -> dict:
    """What a reader sees of the view: the heading, the chosen item, the date and any notice."""
    wait_idle(page)
    page.wait_for_timeout(600)  # a rerun started by the history change may begin just after idle
    wait_idle(page)
    boxes = page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]')
    choice = boxes.first.locator("input").first.input_value() if boxes.count() else ""
    date_box = page.locator('[data-testid="stSidebar"] [data-testid="stDateInput"] input')
    return {
        "h1": page.locator("h1").first.inner_text().strip(),
        "choice": choice,
        "date": date_box.first.input_value() if date_box.count() else "",
        "notices": page.locator('[data-testid="stMain"] [data-testid="stAlert"]').all_inner_texts(),
        "entries": page.evaluate("history.length"),
    }


def choose(page, label: str, option: str) -> None:
    box = page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]').filter(has_text=label).first
    box.locator("input").first.click()
    page.keyboard.type(option)
    page.get_by_role("option").filter(has_text=option).first.click()
    page.wait_for_function(
        "(o) => [...document.querySelectorAll('[data-testid=stSelectbox] input')].some(i => i.value.includes(o))",
        arg=option,
        timeout=PAGE_TIMEOUT_MS,
    )


def test_back_and_forward_return_to_each_previous_view(browser, atlas):
    ctx, net = new_context(browser)
    page = ctx.new_page()
    page.goto(f"{atlas.url}/World_map?as_of=2025-06-01&instrument=bletchley-declaration", wait_until="domcontentloaded")
    wait_ready(page)
    views = [seen(page)]
    assert views[0]["h1"] == "World map of participation" and "Bletchley" in views[0]["choice"], views[0]
    assert views[0]["date"] == "2025-06-01"

    page.locator('[data-testid="stSidebar"] a').filter(has_text="Country profile").first.click()
    page.wait_for_function("() => (document.querySelector('h1') || {}).innerText === 'Country profile'")
    views.append(seen(page))
    choose(page, "State or organisation", "Norway")
    page.wait_for_function("() => location.search.includes('country=NOR')", timeout=PAGE_TIMEOUT_MS)
    views.append(seen(page))
    shot(page, "history-3-norway")
    assert [v["h1"] for v in views] == ["World map of participation", "Country profile", "Country profile"]
    assert "Norway" not in views[1]["choice"] and "Norway" in views[2]["choice"]
    assert {v["date"] for v in views} == {"2025-06-01"}, "the date travels with the sidebar link"
    # One view, one entry: the sidebar link and the changed country each added exactly one.
    assert views[2]["entries"] - views[0]["entries"] == 2, [v["entries"] for v in views]

    for want in (views[1], views[0]):  # Back, Back
        page.go_back(wait_until="commit")
        got = seen(page)
        assert (got["h1"], got["choice"], got["date"]) == (want["h1"], want["choice"], want["date"]), (got, want)
        assert got["notices"] == [], got["notices"]
    shot(page, "history-back-to-map")
    for want in (views[1], views[2]):  # Forward, Forward
        page.go_forward(wait_until="commit")
        got = seen(page)
        assert (got["h1"], got["choice"], got["date"]) == (want["h1"], want["choice"], want["date"]), (got, want)
        assert got["notices"] == [], got["notices"]
    assert net.foreign == []
    ctx.close()


def test_back_after_a_search_returns_to_the_page_it_was_typed_on(browser, atlas):
    ctx, _ = new_context(browser)
    page = ctx.new_page()
    page.goto(f"{atlas.url}/Company?company=meta&as_of=2025-06-01", wait_until="domcontentloaded")
    wait_ready(page)
    before = seen(page)
    box = page.locator('[data-testid="stSidebar"]').get_by_label("Search", exact=True)
    box.fill("Norwey")
    box.press("Enter")
    page.wait_for_function("() => (document.querySelector('h1') || {}).innerText === 'Country profile'")
    after = seen(page)
    assert "Norway" in after["choice"] and after["date"] == "2025-06-01", after
    page.go_back(wait_until="commit")
    back = seen(page)
    assert (back["h1"], back["choice"], back["date"]) == (before["h1"], before["choice"], before["date"]), back
    assert back["notices"] == []
    ctx.close()
