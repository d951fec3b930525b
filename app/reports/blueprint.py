"""The reports blueprint: the office's monthly report for leadership."""
from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")
