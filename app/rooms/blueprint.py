"""The rooms blueprint: the room list, bookings, answers and equipment checks."""
from flask import Blueprint

bp = Blueprint("rooms", __name__, url_prefix="/rooms")
