"""The home page shows requests of several features: their builders, reused."""
from tests.repairs.conftest import make_location, make_repair  # noqa: F401  (fixtures)
from tests.suggestions.conftest import categories, default_categories, make_suggestion  # noqa: F401  (fixtures)
