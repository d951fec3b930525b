"""Access matrix rows for the suggestion box."""
import io
import secrets

from werkzeug.datastructures import FileStorage

from app.auth.models import User
from app.auth.roles import Role
from app.extensions import db
from app.suggestions import services
from app.suggestions.models import AnswerTemplate
from tests.access import Route, allow, everyone
from tests.suggestions.photos import jpeg_bytes

OFFICE = Role.OFFICE
S = "/suggestions"


def _office(status: int = 200) -> dict:
    return allow(OFFICE, status=status)


ROUTES = [
    Route("GET", f"{S}/", everyone()),
    Route("GET", f"{S}/new", everyone()),
    Route("POST", f"{S}/new", everyone(422)),
    # Someone else's named suggestion does not exist for anyone but the office.
    Route("GET", f"{S}/<bigint:suggestion_id>", _office(), default=404),
    Route("GET", f"{S}/<bigint:suggestion_id>/photo", _office(), default=404),
    Route("POST", f"{S}/<bigint:suggestion_id>/reply", _office(403), default=404, data={"body": "x"}),
    Route("POST", f"{S}/<bigint:suggestion_id>/rating", _office(403), default=404, data={"score": "5"}),
    # Tracking needs no sign-in: the code is the only key, and nothing about the visitor is kept.
    Route("GET", f"{S}/track", everyone(), anonymous=200),
    Route("POST", f"{S}/track", everyone(422), anonymous=422),
    Route("GET", f"{S}/track/<code>", everyone(), anonymous=200),
    Route("POST", f"{S}/track/<code>/reply", everyone(303), anonymous=303, data={"body": "补充"}),
    Route("POST", f"{S}/track/<code>/rating", everyone(303), anonymous=303, data={"score": "4"}),
    Route("GET", f"{S}/triage", _office()),
    # Routing: the office hands it on (an empty form: 422); the list and the draft are for the department's
    # request handlers, and nobody in the matrix is one.
    Route("POST", f"{S}/<bigint:suggestion_id>/route", _office(422)),
    Route("GET", f"{S}/routed"),
    Route("GET", f"{S}/routed/<bigint:suggestion_id>"),
    Route("POST", f"{S}/routed/<bigint:suggestion_id>/draft"),
    Route("POST", f"{S}/<bigint:suggestion_id>/answer", _office(422)),
    Route("POST", f"{S}/<bigint:suggestion_id>/draft/publish", _office(303)),
    Route("POST", f"{S}/<bigint:suggestion_id>/draft/discard", _office(303)),
    Route("GET", f"{S}/drafts", _office()),
    Route("POST", f"{S}/drafts/publish", _office(303)),
    Route("POST", f"{S}/<bigint:suggestion_id>/notes", _office(422)),
    Route("POST", f"{S}/<bigint:suggestion_id>/merge", _office(422)),
    Route("POST", f"{S}/<bigint:suggestion_id>/board", _office(303), data={"shown": "1"}),
    Route("GET", f"{S}/board", everyone()),
    Route("POST", f"{S}/<bigint:suggestion_id>/me-too", everyone(303)),
    Route("GET", f"{S}/templates", _office()),
    Route("POST", f"{S}/templates", _office(422)),
    Route("GET", f"{S}/templates/<int:template_id>", _office()),
    # An empty post re-saves what is stored (WTForms falls back to the record), hence 303.
    Route("POST", f"{S}/templates/<int:template_id>", _office(303)),
    Route("GET", f"{S}/categories", _office()),
    Route("POST", f"{S}/categories", _office(422)),
    Route("GET", f"{S}/categories/<int:category_id>", _office()),
    Route("POST", f"{S}/categories/<int:category_id>", _office(303)),
    Route("GET", f"{S}/digest", _office()),
    Route("GET", f"{S}/digest/print", _office()),
    Route("GET", f"{S}/digest.csv", _office()),
    Route("GET", f"{S}/digest.xlsx", _office()),
]


def _photo() -> FileStorage:
    return FileStorage(io.BytesIO(jpeg_bytes()), filename="p.jpg")


def setup() -> dict:
    owner = User(login="suggestion-owner", name="Owner", password_hash="x")
    template = AnswerTemplate(title="谢谢", body="感谢您的建议。")
    db.session.add_all([owner, template])
    db.session.commit()
    services.seed_default_categories()
    category = services.categories()[0]
    named = services.file_suggestion(author=owner, anonymous=False, category=category, title="named", details="d",
                                     photo=_photo(), token=secrets.token_urlsafe(24)).suggestion
    named.on_board = True
    anonymous = services.file_suggestion(author=None, anonymous=True, category=category, title="anon", details="d",
                                         token="matrix-token-0123456789")
    db.session.commit()
    return {"suggestion_id": named.id, "code": anonymous.code, "template_id": template.id,
            "category_id": category.id}
