"""Local models: the GGUF files this machine has (`agent model`), and the servers that serve them
(`agent serve`, and the embedded server `agent solve` starts when nothing else is served)."""
from agent.local.models import (DEFAULT_MODEL, KNOWN_MODELS, LocalModel, LocalModelError, add_model, list_models,
                                models_dir, pull, resolve_model)

__all__ = ["DEFAULT_MODEL", "KNOWN_MODELS", "LocalModel", "LocalModelError", "add_model", "list_models",
           "models_dir", "pull", "resolve_model"]
