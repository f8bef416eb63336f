"""The viewer's web server: Starlette on uvicorn, GET only, JSON from agent.view.data and one page.

Bound to 127.0.0.1 unless --host says otherwise: run traces hold prompts and model output, and the
viewer has no login. Every response forbids inline script and framing (Content-Security-Policy), so
even a model reply that slipped past the page's text-only rendering could not run as script.
"""
from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from agent.view import data

HERE = Path(__file__).parent
STATIC = HERE / "static"
STATIC_FILES = ("app.js", "app.css")
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
       "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
SECURITY_HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
                    "Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}


def render_index(mode: str) -> str:
    """The one HTML page (the app renders the rest): 'server' fetches /api, 'bundle' loads data/*.js."""
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]))
    return env.get_template("index.html").render(mode=mode)


def _json(obj: Any, status: int = 200) -> Response:
    return Response(json.dumps(obj, default=str), status_code=status, media_type="application/json",
                    headers=SECURITY_HEADERS)


def _not_found(what: str) -> Response:
    return _json({"error": f"{what} not found"}, 404)


def create_app(runs: data.RunSet) -> Starlette:
    """The app over `runs`; sync endpoints, so Starlette runs the file reading in its thread pool."""
    index_html = render_index("server")

    def index(request: Request) -> Response:
        return Response(index_html, media_type="text/html", headers=SECURITY_HEADERS)

    def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC_FILES:  # a fixed list: nothing else under the package is reachable
            return _not_found("file")
        return FileResponse(STATIC / name, headers=SECURITY_HEADERS)

    def api_runs(request: Request) -> Response:
        listing = data.list_runs(runs)
        listing["comparable"] = data.comparable(runs.runs())
        return _json(listing)

    def _run(request: Request, key: str = "rid") -> data.RunRef | None:
        return runs.get(request.path_params[key])

    def api_run(request: Request) -> Response:
        ref = _run(request)
        return _json(data.run_detail(ref)) if ref else _not_found("run")

    def api_run_version(request: Request) -> Response:  # what the pages poll: two stat calls, not the list
        ref = _run(request)
        return _json({"version": data.run_version(ref)}) if ref else _not_found("run")

    def api_problem_version(request: Request) -> Response:
        ref = _run(request)
        return _json({"version": data.problem_version(ref, request.path_params["pid"])}) if ref else _not_found("run")

    def api_search(request: Request) -> Response:
        ref = _run(request)
        return _json(data.search_index(ref)) if ref else _not_found("run")

    def api_problem(request: Request) -> Response:
        ref = _run(request)
        if ref is None:
            return _not_found("run")
        detail = data.problem_detail(ref, request.path_params["pid"])
        return _json(detail) if detail is not None else _not_found("problem")

    def api_file(request: Request) -> Response:
        ref = _run(request)
        path = data.run_file(ref, request.path_params["name"]) if ref else None
        if path is None:
            return _not_found("file")
        return FileResponse(path, headers=SECURITY_HEADERS)

    def api_compare(request: Request) -> Response:
        a, b = _run(request, "a"), _run(request, "b")
        if a is None or b is None:
            return _not_found("run")
        if a.id == b.id:
            return _json({"error": "a run compared with itself shows nothing; choose two different runs"}, 400)
        return _json(data.comparison(a, b))

    routes = [
        Route("/", index), Route("/static/{name}", static),
        Route("/api/runs", api_runs), Route("/api/runs/{rid}", api_run),
        Route("/api/runs/{rid}/search", api_search), Route("/api/runs/{rid}/version", api_run_version),
        Route("/api/runs/{rid}/problems/{pid}/version", api_problem_version),
        Route("/api/runs/{rid}/problems/{pid}", api_problem),
        Route("/api/runs/{rid}/files/{name}", api_file),
        Route("/api/compare/{a}/{b}", api_compare),
    ]
    return Starlette(routes=routes)  # Route's default methods: GET (and HEAD); anything else is 405


def bind(host: str, port: int) -> socket.socket:
    """A listening socket, bound before the server starts so a busy port is one clear error (OSError)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(64)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def serve(runs: data.RunSet, sock: socket.socket) -> None:
    """Serve until interrupted (Ctrl-C)."""
    import uvicorn

    config = uvicorn.Config(create_app(runs), log_level="warning", access_log=False, lifespan="off")
    uvicorn.Server(config).run(sockets=[sock])


class BackgroundServer:
    """The viewer served from a thread (the benchmark and the browser tests): `with BackgroundServer(runs)
    as url:` gives http://127.0.0.1:PORT/ on a free port and stops the server on exit."""

    def __init__(self, runs: data.RunSet, host: str = "127.0.0.1"):
        import uvicorn

        self.sock = bind(host, 0)
        self.url = f"http://{host}:{self.sock.getsockname()[1]}/"
        config = uvicorn.Config(create_app(runs), log_level="warning", access_log=False, lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread: Any = None

    def __enter__(self) -> str:
        import threading
        import time

        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the viewer's server did not start")
            time.sleep(0.02)
        return self.url

    def __exit__(self, *exc: Any) -> None:
        self.server.should_exit = True
        if self.thread is not None:
            self.thread.join(timeout=10)
        self.sock.close()
