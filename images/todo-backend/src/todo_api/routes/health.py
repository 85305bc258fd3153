"""Probes. /health is the readiness contract (checks the database); /livez never touches it."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from ..db import database_reachable
from ..schemas import Health

router = APIRouter(tags=["health"])

# The paths the rendered probes use (rendered/<env>/deployment-todo-backend.yaml); a test
# checks that the two agree.
READINESS_PATH = "/health"
LIVENESS_PATH = "/livez"


@router.get(
    READINESS_PATH,
    response_model=Health,
    responses={503: {"model": Health, "description": "The database did not answer within HEALTH_TIMEOUT_SECONDS"}},
)
async def health(request: Request) -> JSONResponse:
    settings = request.app.state.settings
    if await database_reachable(request.app.state.health_engine, settings.HEALTH_TIMEOUT_SECONDS):
        return JSONResponse({"status": "healthy", "database": "connected"})
    return JSONResponse({"status": "unhealthy", "database": "disconnected"}, status_code=503)


@router.get(LIVENESS_PATH)
async def livez() -> dict[str, str]:
    return {"status": "alive"}
