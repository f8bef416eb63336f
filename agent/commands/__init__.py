"""CLI command modules: one per area, each registering on agent.cli.app."""
