"""`flask requests rebuild-figures`: count the office's figures afresh after requests were written outside the
app (a bulk import, the benchmark's volume), which the writes' own upkeep (figures.py) does not see."""
import click
from flask.cli import AppGroup

from app.extensions import db

from .figures import rebuild

requests_cli = AppGroup("requests", help="Cross-department requests: the office's figures.")


@requests_cli.command("rebuild-figures")
def rebuild_figures_command() -> None:
    """Work out every request's spans and the day rows of the figures from the requests themselves."""
    rebuild(db.session)
    db.session.commit()
    click.echo("Request figures rebuilt.")
