"""``python -m newsgraph`` runs the command line."""

from .cli import app

app(prog_name="newsgraph")
