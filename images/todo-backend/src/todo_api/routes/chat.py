"""POST /api/chat: the todo assistant."""

from __future__ import annotations

import logging

import openai
from fastapi import APIRouter, HTTPException, Request, status

from ..assistant import Assistant
from ..deps import SessionDep, UserDep
from ..schemas import ChatIn, ChatOut

router = APIRouter(prefix="/api", tags=["chat"])
log = logging.getLogger(__name__)


@router.post("/chat")
async def chat(body: ChatIn, request: Request, session: SessionDep, user: UserDep) -> ChatOut:
    assistant: Assistant | None = request.app.state.assistant
    if assistant is None:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            "The assistant is not configured: OPENAI_API_KEY is not set. Everything else works.",
        )
    try:
        reply, changes = await assistant.run(session, user.id, body.message, body.history)
    except openai.APIStatusError as error:
        log.warning("assistant upstream error", extra={"status": error.status_code})
        raise HTTPException(
            status.HTTP_502_BAD_GATEWAY, f"The assistant's model service answered {error.status_code}"
        ) from None
    except openai.APIError as error:
        log.warning("assistant upstream unreachable", extra={"error": type(error).__name__})
        raise HTTPException(status.HTTP_502_BAD_GATEWAY, "The assistant's model service could not be reached") from None
    return ChatOut(reply=reply, changes=changes)
