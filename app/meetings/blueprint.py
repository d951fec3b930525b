"""The meeting's two blueprints: /meetings/ (the meetings themselves) and /actions/ (action items across meetings)."""
from flask import Blueprint

bp = Blueprint("meetings", __name__, url_prefix="/meetings")
actions_bp = Blueprint("actions", __name__, url_prefix="/actions")
