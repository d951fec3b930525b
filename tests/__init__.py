"""Office Hub's test suite; shared constants live here, fixtures in conftest.py."""

# What htmx 4 sends for a targeted swap (hx-get/hx-post): the server answers with the fragment.
PARTIAL = {"HX-Request": "true", "HX-Request-Type": "partial"}
