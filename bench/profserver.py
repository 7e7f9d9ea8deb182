"""Run the app's server under cProfile: the main (event-loop) thread and every script-runner thread.

python -m bench.profserver OUT.pstats -- streamlit run streamlit_app.py --server.port N ...
On SIGUSR1 the profiles so far are merged and written to OUT.pstats (the server keeps running). Used by bench.run to explain server-side
costs (what a rerun costs beyond the script itself: serialisation, websocket, session bookkeeping).
"""

from __future__ import annotations

import contextlib
import cProfile
import os
import pstats
import signal
import sys
import threading


def main() -> None:
    out = sys.argv[1]
    args = sys.argv[sys.argv.index("--") + 1 :]
    profs: list[cProfile.Profile] = []
    lock = threading.Lock()
    main_prof = cProfile.Profile()

    import streamlit.runtime.scriptrunner.script_runner as sr

    orig = sr.ScriptRunner._run_script_thread

    def wrapped(self):
        p = cProfile.Profile()
        with lock:
            profs.append(p)
        p.enable()
        try:
            orig(self)
        finally:
            p.disable()

    sr.ScriptRunner._run_script_thread = wrapped

    def dump(*_):
        main_prof.disable()
        st = pstats.Stats(main_prof)
        with lock:
            for p in profs:
                with contextlib.suppress(Exception):
                    st.add(p)
        st.dump_stats(out + ".tmp")
        os.replace(out + ".tmp", out)

    signal.signal(signal.SIGUSR1, dump)
    sys.argv = args
    from streamlit.web.cli import main as st_main

    main_prof.enable()
    st_main()


if __name__ == "__main__":
    main()
