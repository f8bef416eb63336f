"""Retrieval of Chisel API notes and an error guide into generation and repair prompts.

Importing this package is cheap: chromadb and the embedding model (torch) load on first use.
"""
from agent.rag.notes import Note, NoteDoc, NoteError

__all__ = ["Note", "NoteDoc", "NoteError", "Retriever", "BuildStats", "format_hits_for_trace"]


def __getattr__(name):
    if name in ("Retriever", "BuildStats", "format_hits_for_trace"):
        from agent.rag import retriever

        return getattr(retriever, name)
    raise AttributeError(name)
