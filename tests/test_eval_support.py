"""The eval tests' helpers now live in tests/helpers.py (one module for what the tests share); this name
stays for tests written against it."""
from tests.helpers import (CLI, REPO, SEED, agent_cmd, json_out, require_seed, require_verifier, run_agent,  # noqa: F401
                           seed_eval_set, seed_results_file)
