"""The repairs blueprint, shared by the view modules split by sub-resource."""
from flask import Blueprint

bp = Blueprint("repairs", __name__, url_prefix="/repairs")
