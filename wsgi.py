"""Entry point for gunicorn: `gunicorn wsgi:app`."""
import gc

from app import create_app

app = create_app()
# Everything built so far (routes, mappers, compiled settings, catalogs) lives as long as the process.
# Moved out of the collector's sight, it is no longer walked by every full collection, which a list page's
# few hundred loaded rows set off (about a fifth of the repairs board's CPU before this).
gc.freeze()
# A request allocates tens of thousands of short-lived objects that reference counting frees by itself;
# at the default threshold (700) the young generation was still collected 6–8 times per list page
# (1.4 ms of the repairs board, 4.3 ms of the front desk). Collected every 50,000 allocations instead,
# a page's garbage is mostly gone before the collector would look at it.
gc.set_threshold(50_000, 20, 100)
