"""Entry point for gunicorn: `gunicorn wsgi:app`."""
import gc

from app import create_app

app = create_app()
# Everything built so far (routes, mappers, compiled settings, catalogs) lives as long as the process.
# Moved out of the collector's sight, it is no longer walked by every full collection, which a list page's
# few hundred loaded rows set off (about a fifth of the repairs board's CPU before this).
gc.freeze()
