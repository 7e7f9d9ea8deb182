"""What a client can send over Streamlit's websocket, against a real server on loopback (probes 3a, 3g, 3i of the
2026-12 reliability probe).

A tampered client is not a browser: it can send any BackMsg. These tests speak the protocol the way
tests/test_hosting.py does (tests/servers.py's `open_stream` and `Session`) and then send what the frontend never
would: a huge junk widget state (3i), a widget value of the wrong type (3g), a query string with more fields than
Streamlit reads (3a). The server is one process started with the repo's .streamlit/config.toml, as hosted.
"""

from __future__ import annotations

import asyncio
import contextlib

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.exceptions import ConnectionClosed

from tests.servers import Session, app_server, open_stream

pytestmark = pytest.mark.system


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@pytest.fixture(scope="module")
def server(fixture_release, tmp_path_factory):
    """(port, pid, log path) of `streamlit run streamlit_app.py` on the fixture release, settings from the repo."""
    with app_server(
        fixture_release,
        clean=True,
        unset=("ATLAS_DATA_DIR",),
        headless=False,
        log_dir=tmp_path_factory.mktemp("client-messages"),
    ) as srv:
        yield srv.port, srv.proc.pid, srv.log_path


class Reader(Session):
    """A Session that also keeps every widget by label (id, kind, the state the frontend would send back) and
    every text it was shown."""

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.by_label: dict[str, tuple[str, str]] = {}  # label -> (widget id, element kind)
        self.options: dict[str, list[str]] = {}  # multiselect id -> its option values, as the frontend sends them
        self.shown: list[str] = []
        self.status = None

    def _on_msg(self, raw: bytes) -> None:
        msg = ForwardMsg.FromString(raw)
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self.shown = []
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            el = msg.delta.new_element
            ek = el.WhichOneof("type")
            sub = getattr(el, ek)
            if hasattr(sub, "id") and hasattr(sub, "label") and sub.id:
                self.by_label[sub.label] = (sub.id, ek)
            if ek == "multiselect":
                self.options[sub.id] = list(sub.options)
            if ek == "multiselect" and sub.id not in self.widgets:
                ws = WidgetState(id=sub.id)
                ws.string_array_value.data.extend(list(sub.raw_values) if sub.set_value else [])
                self.widgets[sub.id] = ws
            for field in ("body", "value"):
                v = getattr(sub, field, None)
                if isinstance(v, str) and v:
                    self.shown.append(v)
            if ek == "metric":
                self.shown.append(f"{el.metric.label}: {el.metric.body}")
            if ek == "exception":
                self.shown.append("EXCEPTION " + el.exception.message)
        elif kind == "script_finished":
            self.status = msg.script_finished
        super()._on_msg(raw)

    def text(self) -> str:
        return "\n".join(self.shown)

    def widget_id(self, label_start: str) -> str:
        hits = [wid for label, (wid, _) in self.by_label.items() if label.startswith(label_start)]
        assert len(hits) == 1, (label_start, list(self.by_label))
        return hits[0]

    async def send_states(self, ws, *states: WidgetState) -> None:
        """A rerun carrying the widget states the session holds, with `states` replacing or adding to them."""
        for s in states:
            self.widgets[s.id] = s
        self.shown = []
        await self.rerun(ws)


async def _open(port: int, page: str, query: str):
    s = Reader(port, page, query, timeout=60)
    ws = await open_stream(port).__aenter__()
    reader = asyncio.create_task(s._reader(ws))
    await s.rerun(ws, first=True)
    return s, ws, reader


async def _close(ws, reader) -> None:
    reader.cancel()
    await ws.close()


def _wrong(wid: str, field: str) -> WidgetState:
    w = WidgetState(id=wid)
    if field == "int_value":
        w.int_value = 5
    elif field == "double_value":
        w.double_value = 1.5
    elif field == "bool_value":
        w.bool_value = True
    elif field == "string_value":
        w.string_value = "2025-01-01"
    elif field == "string_array_value":
        w.string_array_value.data.extend(["cets-225", "eu-ai-act"])
    return w


TYPE_CONFUSION = [
    ("View the data as of", "int_value"),
    ("View the data as of", "string_value"),
    ("View the data as of", "double_value"),
    ("Treaty", "int_value"),
    ("Treaty", "string_array_value"),
    ("Treaty", "double_value"),
    ("What if", "int_value"),
    ("What if", "string_value"),
    ("What if", "double_value"),
    ("What if", "bool_value"),
]


def test_wrong_widget_value_type_leaves_the_session_working(server):
    """Probe 3g: a widget value of another type than the widget's (int_value for the date_input, a string array for
    the selectbox, a string for the multiselect...) made Streamlit's deserializer raise before the page ran: an
    error box, a traceback in the log, and in 6 of 10 cases the next ordinary rerun failed too. Now the widget
    falls back to its default, the page shows its numbers, and the log has one warning line per value."""
    port, _, log = server
    before = log.read_text(errors="replace").count("Traceback")

    async def one(label: str, field: str) -> list[str]:
        s, ws, reader = await _open(port, "Entry_into_force", "instrument=cets-225")
        problems = []
        try:
            wid = s.widget_id(label)
            good = s.widgets.get(wid)
            await s.send_states(ws, _wrong(wid, field))
            if "EXCEPTION" in s.text() or "Ratifications / approvals:" not in s.text():
                problems.append(f"{label} / {field}: the tampered rerun showed {s.text()[-300:]!r}")
            if good is not None:
                s.widgets[wid] = good
            else:
                s.widgets.pop(wid)
            await s.send_states(ws)  # the next ordinary rerun
            if "EXCEPTION" in s.text() or "Ratifications / approvals:" not in s.text():
                problems.append(f"{label} / {field}: the next ordinary rerun showed {s.text()[-300:]!r}")
        finally:
            await _close(ws, reader)
        return problems

    async def scenario():
        out = []
        for label, field in TYPE_CONFUSION:
            out += await one(label, field)
        return out

    problems = asyncio.run(scenario())
    assert not problems, problems
    text = log.read_text(errors="replace")
    assert text.count("Traceback") == before, text[-3000:]
    assert text.count("Ignored a client widget state its widget cannot read") >= len(TYPE_CONFUSION) - 2


def test_query_over_the_field_limit_keeps_its_parameters_and_says_so(server):
    """Probe 3a: Streamlit drops a query string of more than 1,000 fields as a whole, silently: the link opened on
    defaults, without a notice, and lost its valid `instrument=` too. Now the page keeps the parameters it reads
    and shows the value-free notice. (The guard is installed by the first page run of the process: warm up.)"""
    port, _, _log = server

    async def scenario():
        s, ws, reader = await _open(port, "", "")  # warm-up: a fresh server's first run imports the app
        await _close(ws, reader)
        results = {}
        for page, query in [
            ("Instrument", "instrument=eu-ai-act&" + "&".join(["whatif=GBR"] * 1000)),
            ("Entry_into_force", "&".join(["whatif=GBR"] * 1000) + "&as_of=2025-06-01"),
            ("Instrument", "instrument=eu-ai-act&" + "&".join(f"k{n}=1" for n in range(5000))),
            ("Instrument", "instrument=eu-ai-act&x=" + "a" * 600_000),
        ]:  # over 512 Ki characters
            s, ws, reader = await _open(port, page, query)
            results[(page, query[:40])] = s.text()
            await _close(ws, reader)
        return results

    results = list(asyncio.run(scenario()).values())
    long_q, eif_q, many_keys, too_long = results
    notice = "The link had more parameters than the Atlas reads; the extra ones were ignored."
    for text in results:
        assert notice in text and "EXCEPTION" not in text
        assert "GBR" not in text.split(notice)[1].split("\n")[0]  # the notice never repeats a value
    assert "EU Artificial Intelligence Act" in long_q or "Artificial Intelligence Act" in long_q, long_q[:2000]
    # whatif is another page's setting (the Entry-into-force page's): dropped without the "unknown" sentence
    # (state.ATLAS_PARAMS); the trimmed-query notice above still says the link was cut.
    assert "unknown link parameter(s) ignored" not in long_q
    assert "unknown link parameter(s) ignored" in many_keys  # k0, k1, …: names no page reads
    assert "reset to defaults: whatif" in eif_q and "1 June 2025" in eif_q  # as_of kept
    assert "Artificial Intelligence Act" in many_keys
    assert "Council of Europe Framework Convention" in too_long  # too long to read at all: defaults, and the notice


# 12 messages of 5 MB each: over the 1 MB widget-state cap, under the 8 MB transport limit (the probe's 20 MB messages
# are now refused by the transport: see test_a_message_over_the_transport_limit_...).
JUNK_SESSIONS, JUNK_STATES, JUNK_VALUE = 12, 2000, 2_500


def _junk_rerun(s: Reader) -> bytes:
    bm = BackMsg()
    cs = bm.rerun_script
    cs.query_string, cs.page_script_hash = s.query, s.page_hash
    cs.widget_states.widgets.extend(s.widgets.values())
    cs.widget_states.widgets.extend(
        WidgetState(id=f"$$ID-{n:06d}-junk", string_value="x" * JUNK_VALUE) for n in range(JUNK_STATES)
    )
    return bm.SerializeToString()


def test_junk_widget_state_is_refused_and_memory_stays_flat(server):
    """Probe 3i: Streamlit accepted client messages up to 25 MB (server.maxWidgetStateSize) and kept each session's
    widget state for the 2-minute reconnect window: 75 sessions each sending one 20 MB junk state took the server
    past the 1 GiB container limit. The app's largest message is under 1 KB, so the cap is 1 MB
    (.streamlit/config.toml and the image's environment): a 5 MB junk message closes its connection (1009, message
    too big) before anything is stored, and the server's RSS does not grow with the number of such sessions
    (measured without the cap: 217 -> 306 MB for these 12; with it: 216 -> 220 MB)."""
    port, pid, log = server

    async def one_junk() -> str:
        s, ws, reader = await _open(port, "", "")
        try:
            s._finished = asyncio.get_running_loop().create_future()
            with contextlib.suppress(ConnectionClosed):
                await ws.send(_junk_rerun(s))
            await asyncio.wait({s._finished, reader}, timeout=30, return_when=asyncio.FIRST_COMPLETED)
            if s._finished.done():
                return f"accepted: the junk rerun finished ({s._finished.result()})"
            if reader.done():  # the server closed the connection
                return f"closed {ws.close_code}"
            return "no answer in 30 s"
        finally:
            reader.cancel()
            await ws.close()

    async def scenario():
        s, ws, reader = await _open(port, "", "")  # warm: the app imported, one ordinary session done
        await _close(ws, reader)
        await asyncio.sleep(1)
        r0 = rss_mb(pid)
        outcomes = []
        for _ in range(JUNK_SESSIONS // 4):
            outcomes += await asyncio.gather(*[one_junk() for _ in range(4)])
        await asyncio.sleep(2)
        r1 = rss_mb(pid)
        s, ws, reader = await _open(port, "Entry_into_force", "instrument=cets-225")  # still serves
        ok = "Ratifications / approvals:" in s.text()
        await _close(ws, reader)
        return r0, r1, outcomes, ok

    r0, r1, outcomes, ok = asyncio.run(scenario())
    print(
        f"\nRSS {r0:.0f} -> {r1:.0f} MB after {JUNK_SESSIONS} junk messages of "
        f"{JUNK_STATES * JUNK_VALUE / 1e6:.0f} MB: {outcomes}"
    )
    assert outcomes == ["closed 1009"] * JUNK_SESSIONS, outcomes  # 1009: message too big
    assert "exceeds the limit of 1000000 bytes" in log.read_text(errors="replace")
    assert r1 - r0 < 30, f"RSS grew {r1 - r0:.0f} MB"  # without the cap: +89 MB
    assert ok


def test_the_largest_ordinary_message_fits_under_the_cap(server):
    """Every what-if signatory selected, and every commitment on Corporate stances: the largest BackMsgs the pages
    make. Each is answered normally, and is far under the 1 MB cap."""
    port, _, _ = server

    async def full_selection(page: str, query: str, label: str) -> tuple[int, int, str]:
        s, ws, reader = await _open(port, page, query)
        try:
            wid = s.widget_id(label)
            full = WidgetState(id=wid)
            full.string_array_value.data.extend(s.options[wid])
            b0 = s.bytes_out
            await s.send_states(ws, full)
            return s.bytes_out - b0, len(s.options[wid]), s.text()
        finally:
            await _close(ws, reader)

    async def scenario():
        return {
            "what-if, every signatory": await full_selection("Entry_into_force", "instrument=cets-225", "What if"),
            "every commitment": await full_selection("Corporate_stances", "", "Commitments"),
        }

    sizes = asyncio.run(scenario())
    print("\n" + "; ".join(f"{k} ({n} options): {b:,} bytes" for k, (b, n, _) in sizes.items()))
    b, n, text = sizes["what-if, every signatory"]
    assert n >= 10 and "reset to defaults" not in text and "Ratifications / approvals:" in text
    for b, _n, text in sizes.values():
        assert b < 20_000 and "EXCEPTION" not in text


def test_a_message_over_the_transport_limit_is_refused_before_it_is_buffered(server):
    """Probe 3i, the rest: maxWidgetStateSize is checked only after the whole frame has been read, and the transport
    took frames up to server.maxMessageSize (200 MB by default): 4 concurrent 150 MB messages were each refused, but
    only after being buffered, and RSS peaked at 907 MB (217 before). With server.maxMessageSize = 8 (the largest
    page message measured is 0.68 MB, Data & sources at 100x data), a 40 MB frame is refused from its header: the
    server never reads it, so Streamlit never logs its size, and RSS does not move."""
    port, pid, log = server
    mb = 40

    async def one() -> int | None:
        s, ws, reader = await _open(port, "", "")
        try:
            bm = BackMsg()
            bm.rerun_script.page_script_hash = s.page_hash
            bm.rerun_script.widget_states.widgets.append(WidgetState(id="$$ID-big-junk", string_value="x" * mb * 10**6))
            with contextlib.suppress(ConnectionClosed):
                await ws.send(bm.SerializeToString())
            await asyncio.wait({reader}, timeout=30)
            return ws.close_code
        finally:
            reader.cancel()
            await ws.close()

    async def scenario():
        _s, ws, reader = await _open(port, "", "")
        await _close(ws, reader)
        r0, peak = rss_mb(pid), [0.0]

        async def sample():
            while True:
                peak[0] = max(peak[0], rss_mb(pid))
                await asyncio.sleep(0.02)

        sampler = asyncio.create_task(sample())
        codes = await asyncio.gather(*[one() for _ in range(4)])
        sampler.cancel()
        return r0, peak[0], codes

    r0, peak, codes = asyncio.run(scenario())
    print(f"\nRSS {r0:.0f} MB, peak {peak:.0f} MB while 4 messages of {mb} MB were refused: {codes}")
    assert codes == [1009] * 4, codes
    assert f"Client WebSocket message size {mb * 10**6}" not in log.read_text(errors="replace")
    assert peak - r0 < 80, f"RSS peaked {peak - r0:.0f} MB above the baseline"
