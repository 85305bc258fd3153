"""POST /api/chat: the todo assistant (assistant.py says how it behaves under faults)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, status

from ..assistant import Assistant
from ..deps import SessionDep, UserDep
from ..errors import responses
from ..schemas import ChatIn, ChatOut

router = APIRouter(prefix="/api", tags=["chat"])


@router.post(
    "/chat",
    responses=responses(
        400, 401, 413, 422, 429, 502, 503, 504, e503="The assistant is not configured, or the database is unavailable"
    ),
)
async def chat(body: ChatIn, request: Request, session: SessionDep, user: UserDep) -> ChatOut:
    assistant: Assistant | None = request.app.state.assistant
    if assistant is None:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            "The assistant is not configured: OPENAI_API_KEY is not set. Everything else works.",
        )
    if (wait := await request.app.state.auth_limits.chat_attempt(user.id)) is not None:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            f"Too many chats from this account; try again in {wait} s",
            headers={"Retry-After": str(wait)},
        )
    # The user is known: give the connection back before waiting on the model, which can take
    # up to CHAT_DEADLINE_SECONDS. Tool calls take one for their own short transactions.
    await session.close()
    reply, changes = await assistant.run(user.id, body.message, body.history)
    return ChatOut(reply=reply, changes=changes)
