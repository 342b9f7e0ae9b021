"""REST routes for sending: plan a message, send it, read what became of it."""

from __future__ import annotations

from datetime import datetime

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, model_validator

from textbus.carrier_gateway.service.errors import MessageNotFound
from textbus.carrier_gateway.service.sending import MessageView, PlanView, Sending
from textbus.contracts.common import E164, Id
from textbus.contracts.outbound.v1 import MediaItem, Sender, SenderKind, SendMessage
from textbus.kit.http import Api, RequestModel, principal, tenant_of

TAGS = ("messages",)
MESSAGES = "/v1/tenants/{tenant}/messages"


class MediaBody(RequestModel):
    url: str = Field(max_length=2000, pattern=r"^https?://")
    content_type: str = Field(max_length=100)
    size_bytes: int = Field(ge=0, le=100_000_000)


class SenderBody(RequestModel):
    kind: SenderKind
    id: Id | None = Field(default=None, description="The user, group or project; none for the mailroom.")

    @model_validator(mode="after")
    def _named_unless_the_mailroom(self) -> SenderBody:
        if (self.id is None) != (self.kind == "mailroom"):
            raise ValueError("a user, group or project sender has an id; the mailroom has none")
        return self


class SendBody(RequestModel):
    message_id: Id = Field(description="Yours to choose: sending the same id twice sends one message.")
    from_number: E164
    to: list[E164] = Field(min_length=1, max_length=10)
    text: str = Field(default="", max_length=10_000)
    media: list[MediaBody] = Field(default_factory=list, max_length=10)
    sender: SenderBody
    validity_seconds: int | None = Field(default=None, ge=60, le=14 * 24 * 3600)

    def payload(self, requested_by: str) -> SendMessage:
        return SendMessage(
            message_id=self.message_id,
            from_number=self.from_number,
            to=self.to,
            text=self.text,
            media=[MediaItem(**m.model_dump()) for m in self.media],
            sender=Sender(kind=self.sender.kind, id=self.sender.id),
            requested_by=requested_by,
            validity_seconds=self.validity_seconds,
        )


class SendAnswer(BaseModel):
    model_config = ConfigDict(frozen=True)

    message_id: str
    state: str
    plan: PlanView
    accepted_at: datetime


def register_message_routes(api: Api, sending: Sending) -> None:
    @api.post(
        MESSAGES + "/plan",
        summary="What sending this message would do (encoding, segments, parts), or why it is refused",
        body=SendBody,
        response=PlanView,
        tags=TAGS,
        responses={422: "Refused: the problem's code says why"},
    )
    async def plan_message(request: web.Request, body: SendBody) -> PlanView:
        return await sending.plan_view(tenant_of(request), body.payload(principal(request).subject))

    @api.post(
        MESSAGES,
        summary="Send a message: planned now, then queued at its number's pace and submitted",
        body=SendBody,
        response=SendAnswer,
        status=202,
        tags=TAGS,
        responses={422: "Refused: the problem's code says why"},
    )
    async def send_message(request: web.Request, body: SendBody) -> SendAnswer:
        payload = body.payload(principal(request).subject)
        planned, accepted_at = await sending.send(tenant_of(request), payload)
        return SendAnswer(
            message_id=payload.message_id, state="accepted", plan=planned, accepted_at=accepted_at
        )

    @api.get(
        MESSAGES + "/{message_id}",
        summary="A message's state and history",
        response=MessageView,
        tags=TAGS,
    )
    async def get_message(request: web.Request) -> MessageView:
        found = await sending.view(tenant_of(request), request.match_info["message_id"])
        if found is None:
            raise MessageNotFound(f"no message {request.match_info['message_id']!r} (yet)")
        return found
