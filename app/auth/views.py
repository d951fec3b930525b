"""Sign-in, sign-out, own password and language."""
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, login_url, login_user, logout_user

from app import errors
from app.extensions import login_manager
from app.htmx import redirect_after_post, wants_fragment
from app.i18n import LOCALES, LOGIN_MESSAGE

from . import devices, services
from .forms import LoginForm, PasswordForm
from .models import User

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Find the signed-in user; logout, a changed password or deactivation ends sessions opened before it."""
    return services.session_user(user_id)


@login_manager.unauthorized_handler
def unauthorized():
    if wants_fragment():
        return errors.signed_out_fragment()
    flash(LOGIN_MESSAGE, "info")
    return redirect(login_url(login_manager.login_view, request.url))


def _safe_next(target: str | None) -> str:
    """Only follow `next` within this site, never to another host."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("main.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if not form.validate_on_submit():
        status = 422 if form.errors else 200
        return render_template("auth/login.html", form=form), status
    known = devices.is_known(form.login.data)
    user, blocked = services.authenticate(form.login.data, form.password.data, request.remote_addr, known)
    if blocked:
        # Tells scripts and proxies when to retry; people read the same on the page.
        return errors.rate_limited(current_app.config["LOGIN_RATE_WINDOW"])
    if user is None:
        form.password.errors.append(_("Login name or password is not correct."))
        return render_template("auth/login.html", form=form), 422
    login_user(user, remember=form.remember.data)
    return devices.remember(redirect_after_post(_safe_next(request.args.get("next"))), user)


@bp.post("/logout")
@login_required
def logout():
    services.end_session(current_user)
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect_after_post(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current.data, form.new.data)
        except services.SamePassword as exc:
            form.new.errors.append(str(exc))
        except services.AccountError as exc:
            form.current.errors.append(str(exc))
        else:
            # The session version changed; sign this session in again (with the real object, not the proxy),
            # renewing "keep me signed in" if it was on, or its cookie would still name the old version.
            remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
            login_user(current_user._get_current_object(), remember=remembered)
            flash(_("Your password is changed."), "success")
            return redirect_after_post(url_for("main.home"))
    status = 422 if form.errors else 200
    return render_template("auth/password.html", form=form), status


@bp.post("/account/sign-out-elsewhere")
@login_required
def sign_out_elsewhere():
    """A phone lent or lost: every other session of this account ends now, this one stays."""
    ended = services.end_other_sessions(current_user)
    flash(ngettext("Signed out on %(num)d other device.", "Signed out on %(num)d other devices.", ended), "success")
    return redirect_after_post(url_for("auth.change_password"))


@bp.post("/language")
def set_language():
    """Switch the interface language; saved on the account so it follows the user to other devices."""
    locale = request.form.get("locale", "")
    if locale not in LOCALES:
        abort(400)
    if current_user.is_authenticated:
        services.set_locale(current_user, locale)
    session["locale"] = locale
    return redirect_after_post(_safe_next(request.form.get("next")))
