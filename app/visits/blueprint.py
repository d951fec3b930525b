"""The visits blueprint, shared by the view modules (visits, checklist steps, front desk, templates)."""
from flask import Blueprint

bp = Blueprint("visits", __name__, url_prefix="/visits")
