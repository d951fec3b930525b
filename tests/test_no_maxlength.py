"""Issue 13, item 5: long text is never cut. A `maxlength` attribute makes a browser cut a paste silently (5,000
characters pasted into a 2,000-character field arrive as 2,000, with only a counter to show it), so no template
writes one: fields carry `data-maxlength` for the counter (static/app.js), and the server refuses a long text
saying how much to shorten while the page keeps it (app/forms.py TextLength, Kept)."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# A hard cut is harmless nowhere we know of. This one file is another change's: the request's workflow note
# moves to the counter there, and this entry goes with it.
OTHERS = {"templates/requests/detail.html"}
CUTTING = re.compile(r"(?<![\w-])maxlength\s*=", re.IGNORECASE)


def test_no_template_writes_a_maxlength_that_would_cut_a_paste():
    found = [f"{path.relative_to(ROOT)}:{number}"
             for path in sorted((ROOT / "templates").rglob("*.html")) if str(path.relative_to(ROOT)) not in OTHERS
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if CUTTING.search(line)]
    assert not found, f"maxlength cuts a pasted text silently; use data-maxlength and a counter: {found}"


def test_the_scan_sees_a_maxlength_and_not_a_data_maxlength():
    assert CUTTING.search('<input name="note" maxlength="500">')
    assert not CUTTING.search('<input name="note" data-maxlength="500">')
