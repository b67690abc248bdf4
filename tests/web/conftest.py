"""web/ serves both packages' routes, so its tests take both fixture sets: the lookup API's client
(tests/api) and the console's staff pool and tokens (tests/agency)."""

from __future__ import annotations

from tests.agency import conftest as staff
from tests.api import conftest as lookup

api, jwt_key = lookup.api, lookup.jwt_key
pool, console, id_token, access_tokens = staff.pool, staff.console, staff.id_token, staff.access_tokens
