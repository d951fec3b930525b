"""`flask visits purge`: remove visitors' personal data now, for an age of one's choosing."""
import click
from flask import current_app
from flask.cli import AppGroup

from .jobs import purge_personal_data

visits_cli = AppGroup("visits", help="Visitor reception: data protection.")


@visits_cli.command("purge")
@click.option("--older-than", "days", type=int, default=None,
              help="Age in days of the visits to anonymise (default: VISITS_PURGE_DAYS, 180).")
def purge_command(days: int | None) -> None:
    """Blank visitors' names and phone numbers on old visits; anonymous statistics stay."""
    days = current_app.config["VISITS_PURGE_DAYS"] if days is None else days
    if days < 0:
        raise click.BadParameter("must be 0 or more", param_hint="--older-than")
    count = purge_personal_data(days)
    click.echo(f"Personal data removed from {count} visit(s) older than {days} days.")
