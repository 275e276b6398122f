"""schemathesis against the served OpenAPI schema: generated requests to every operation, over
the ASGI app and a real SQLite store, must never produce a server error and must match the
documented responses."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path
from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings

from rasid.web.app import create_app
from test_query import build_store

# schemathesis reads the schema when the module is collected, so the store is built then
_TMP = Path(tempfile.mkdtemp(prefix="rasid-schemathesis-"))
atexit.register(shutil.rmtree, _TMP, ignore_errors=True)
_APP = create_app(build_store(_TMP / "rasid.sqlite"), api_token="st-token")

schema = schemathesis.openapi.from_asgi("/openapi.json", _APP)


@schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_api_conforms_and_never_fails(case: Any) -> None:
    case.call_and_validate()
