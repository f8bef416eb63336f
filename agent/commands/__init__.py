"""CLI command modules: one per area, each declaring its commands on its own typer apps; agent.cli
puts them together (a command module never imports agent.cli)."""
