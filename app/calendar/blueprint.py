"""The working calendar's blueprint."""
from flask import Blueprint

bp = Blueprint("calendar", __name__, url_prefix="/calendar")
