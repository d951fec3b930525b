"""/tasks/: assigned tasks (督办) of every source, assigning one, and a leader's overview."""
from flask import Blueprint

bp = Blueprint("tasks", __name__, url_prefix="/tasks")
