"""Evaluation: benchmarks, pass@k metrics, eval/replay/sweep runs and their reports."""
