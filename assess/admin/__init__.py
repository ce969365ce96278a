"""Administration: organisations, coaches, memberships, invitations, export and delete.

Every address below ``/admin/`` answers 404 to anyone but a signed-in, enabled administrator
(coaches, respondents and anonymous visitors alike: no existence oracle, no sign-in
redirect). The CSRF check runs after that access check, so a forged form from a
non-administrator gets the same 404 as everything else (see ``views.admins_only``).
"""

from flask import Blueprint

from ..extensions import csrf

bp = Blueprint("admin", __name__, url_prefix="/admin")
# The app-wide CSRF check runs before any blueprint hook; this blueprint runs it itself,
# after the access check (views.admins_only), with the same settings.
csrf.exempt(bp)

from . import views  # noqa: E402,F401  (routes attach to bp)
