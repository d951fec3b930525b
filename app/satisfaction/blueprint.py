"""The satisfaction blueprint: ratings, the visitor's rating link and department surveys."""
from flask import Blueprint

bp = Blueprint("satisfaction", __name__, url_prefix="/satisfaction")
