"""`agent view`: a local, read-only web viewer for run directories (runs, problems and their chains,
comparisons), and the same pages as a static site that opens from disk (`--bundle`).

data.py turns run directories into JSON-ready dicts (the only code that touches the files); server.py
serves them on 127.0.0.1 with Starlette; bundle.py writes them as script files beside the same page;
static/app.js renders every page from that JSON in the browser. docs/viewer.md describes it.
"""
