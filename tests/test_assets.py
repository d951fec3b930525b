"""Static links carry the file's content hash, so a phone keeps CSS and JS for a year and still gets an
edited file at once."""
import hashlib
import os
from pathlib import Path

from app.assets import static_url


def _hash(app, name: str) -> str:
    return hashlib.sha256((Path(app.static_folder) / name).read_bytes()).hexdigest()[:10]


def test_a_static_link_names_the_files_content(app):
    with app.test_request_context("/"):
        assert static_url("app.css") == f"/static/app.css?v={_hash(app, 'app.css')}"


def test_in_debug_mode_an_edited_file_gets_a_new_link(app, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "static_folder", str(tmp_path))
    (tmp_path / "x.css").write_text("a{}")
    app.debug = True
    try:
        with app.test_request_context("/"):
            before = static_url("x.css")
            (tmp_path / "x.css").write_text("a{color:red}")
            # The hash follows the file's modification time: make it differ on a coarse-clocked filesystem.
            os.utime(tmp_path / "x.css", (1, 1))
            after = static_url("x.css")
    finally:
        app.debug = False
    assert before != after and after.endswith(f"v={_hash(app, 'x.css')}")
