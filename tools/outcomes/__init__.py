"""The measured client-outcome matrix: what real clients observe under every fault.

    python -m tools.outcomes measure [--runs N]   matrix -> docs/client-outcomes.json + docs
    python -m tools.outcomes render               docs/clients.md + README column from the JSON
    python -m tools.outcomes check                fresh measurement vs the committed JSON/docs
    python -m tools.outcomes drift [--pip/--npm]  newest (or given) releases, in a temp env

    matrix.py      clients, cases (one spec per fault + variants), shared settings
    measure.py     one mockserver, a lane per client and case, all clients at once
      py_worker.py + py_clients.py      Python clients (subprocess; any interpreter)
      tests/js/outcomes_driver.mjs      Node clients (one process per client)
      browser.py                        Chromium fetch and EventSource (playwright)
    classify.py    ok / raised / silent_truncation / wrong_text / hang / skipped / n/a
    store.py       the JSON, merging runs, differences
    render.py      the generated Markdown
    drift.py       the throwaway environment

Not part of the installed package: run it from a checkout with the project's venv.
"""

__all__: list[str] = []
