"""The run records, now in agent/records.py (below the search loop, which builds them); this module keeps
the old import path working."""
from agent.records import (METRICS, SEED_STAGE, AttemptRecord, ChainRecord, Failure, Outcome, ProblemRecord, Reached,
                           ResultsLog, ResultsLogError, read_results, reach)

__all__ = ["METRICS", "SEED_STAGE", "AttemptRecord", "ChainRecord", "Failure", "Outcome", "ProblemRecord", "Reached",
           "ResultsLog", "ResultsLogError", "read_results", "reach"]
