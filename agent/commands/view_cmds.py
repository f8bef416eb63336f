"""`agent view`: look at runs in a browser (served on 127.0.0.1, or written as a static site), and
`agent bench view`: how fast a 1,000-problem run's list renders."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from agent.cli_util import err_console, fail, print_json
from agent.commands.options import Json

commands = typer.Typer()
bench_commands = typer.Typer()

DEFAULT_ROOTS = (Path("runs"), Path("experiments/results"))


@commands.command("view")
def view_cmd(
    run_dirs: Optional[List[Path]] = typer.Argument(
        None, help="run directories, or directories holding them (default: runs/ and experiments/results/)"),
    host: str = typer.Option("127.0.0.1", "--host", help="address to listen on; anything but 127.0.0.1 shows "
                                                         "the runs (prompts, model output) to the network"),
    port: int = typer.Option(8765, "--port", min=0, max=65535, help="port (0: any free one)"),
    bundle: Optional[Path] = typer.Option(None, "--bundle", help="write a static site into this directory "
                                                                 "instead of serving (opens from disk)"),
    open_browser: bool = typer.Option(False, "--open", help="open the page in the default browser"),
    as_json: Json = False,
) -> None:
    """A local, read-only web viewer for runs: the run list, each run's grid, plots, levels and
    failures, every problem's chains round by round, and two runs compared with paired statistics.
    Pages update while a run is written."""
    from agent.view.data import RunSet, ViewError

    try:
        runs = RunSet.from_args(list(run_dirs or []), list(DEFAULT_ROOTS))
    except ViewError as e:
        fail(str(e))
    if bundle is not None:
        from agent.view.bundle import BundleError, write_bundle

        try:
            written = write_bundle(runs, bundle)
        except BundleError as e:
            fail(str(e))
        except OSError as e:
            fail(f"cannot write the bundle into {bundle}: {e.strerror or e}")
        if as_json:
            print_json(written)
        else:
            err_console.print(f"bundle written: {written['index']} ({written['runs']} runs, {written['problems']} "
                              f"problems, {written['comparisons']} comparisons); open it in a browser", highlight=False)
        return

    from agent.view.server import bind, serve

    try:
        sock = bind(host, port)
    except OSError as e:
        fail(f"cannot listen on {host}:{port}: {e.strerror or e}" + (" (try --port 0)" if port else ""))
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{sock.getsockname()[1]}/"
    if as_json:
        print_json({"url": url, "runs": [r.id for r in runs.runs()]})
    else:
        err_console.print(f"viewing {len(runs.runs())} run(s) at {url}  (Ctrl-C stops)", highlight=False)
    if host not in ("127.0.0.1", "localhost", "::1"):
        err_console.print(f"warning: listening on {host}: anyone who can reach it sees these runs", highlight=False)
    if open_browser:
        import webbrowser

        webbrowser.open(url)
    try:
        serve(runs, sock)
    except KeyboardInterrupt:
        pass


@bench_commands.command("view")
def bench_view_cmd(
    problems: int = typer.Option(1000, "--problems", min=1, help="problems in the synthesised run"),
    repeat: int = typer.Option(3, "--repeat", min=1, help="page loads measured (the median is reported)"),
    chromium: Optional[Path] = typer.Option(None, "--chromium", help="browser binary (default: /usr/bin/chromium)"),
    as_json: Json = False,
) -> None:
    """Synthesise a run of N problems and time its problem list: the data (cold and warm), the HTTP
    request, and the page rendered in headless Chromium (skipped, and said, when it is absent)."""
    from agent.view.bench import run_bench

    result = run_bench(problems, repeat, chromium)
    if as_json:
        print_json(result)
        return
    for line in result["lines"]:
        typer.echo(line)
