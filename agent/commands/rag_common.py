"""What `agent rag`'s two command modules share (rag_cmds: build, query; bank_cmds: the example bank):
the `rag` sub-app and opening the retriever. Its own module so neither imports the other's commands."""
from __future__ import annotations

import typer

from agent.cli_util import fail

rag_app = typer.Typer(help="Chisel API notes and error guide retrieved into prompts (RAG).", no_args_is_help=True)


def open_retriever(profile: str, token_budget: int = 1200):
    import logging

    from agent.rag.notes import NoteError

    # the commands print BuildStats.warnings themselves; keep the library's log record off stderr
    logging.getLogger("agent.rag").addHandler(logging.NullHandler())
    from agent.rag.retriever import Retriever

    try:
        r = Retriever(profile, token_budget=token_budget)
        r.documents()  # parse notes now so a broken note is a one-line error, not a traceback later
        return r
    except (ValueError, NoteError) as e:
        fail(str(e))
