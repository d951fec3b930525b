"""The suggestion box's blueprint, shared by its view modules."""
from flask import Blueprint

bp = Blueprint("suggestions", __name__, url_prefix="/suggestions")
