"""The cross-department requests blueprint, shared by the view modules split by audience."""
from flask import Blueprint

bp = Blueprint("requests", __name__, url_prefix="/requests")
