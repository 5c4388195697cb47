"""The maintainers' page of extractor health: per platform and extractor version, the last two
weeks' visits of profile pages and the share the extension read badly, with the jumps that say a
platform changed its layout (the same table as ``GET /v1/extractor-health``)."""

from __future__ import annotations

from flask import render_template

from server.console.auth import require_console_role
from server.console.blueprint import bp
from server.roles import Role
from server.services.extractor_health import RULE, health_table


@bp.get("/extractors")
@require_console_role(Role.MAINTAINER)
def extractor_health() -> str:
    return render_template("console/extractors.html", table=health_table(), rule=RULE)
