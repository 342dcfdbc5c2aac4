"""Whether a member's dated events make sense in order (pure): join before leaving, nothing after 去世."""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import ValidationError
from .models import BEFORE_RECORDS_LABEL, CONFIRM, JOIN, LEAVE_KINDS, Member, MemberEvent
from .roster import event_day


def _when(event: MemberEvent) -> str:
    return event.date or BEFORE_RECORDS_LABEL


def check_events(member: Member, events: Sequence[MemberEvent]) -> None:
    """Raise a clear error if ``events`` (a member's, not cancelled) cannot have happened in this order."""
    on = False
    ended = ""
    confirmations = 0
    for i, event in enumerate(sorted(events, key=lambda e: (event_day(e.date), e.id))):
        if not event.date and (event.kind != JOIN or i):
            raise ValidationError(
                f"{member.name} 的“{event.kind}”须填写日期。",
                f"{member.name}: '{event.kind}' needs a date.",
            )
        if ended:
            raise ValidationError(
                f"{member.name} 已于{ended}去世，之后不能再登记“{event.kind}”（{_when(event)}）。",
                f"{member.name} died on {ended}; no event can follow.",
            )
        if event.kind == JOIN:
            if on:
                raise ValidationError(
                    f"{member.name} 在{_when(event)}已在名册中，不能重复登记转入。",
                    f"{member.name} is already on the roster.",
                )
            on = True
        elif event.kind in LEAVE_KINDS:
            if not on:
                raise ValidationError(
                    f"{member.name} 在{_when(event)}不在名册中，不能登记“{event.kind}”。",
                    f"{member.name} is not on the roster on {event.date}.",
                )
            on = False
            ended = event.date if event.kind == "去世" else ""
        elif event.kind == CONFIRM:
            confirmations += 1
            if not on:
                raise ValidationError(
                    f"{member.name} 在{_when(event)}不在名册中，不能登记预备转正。",
                    f"{member.name} is not on the roster on {event.date}.",
                )
            if confirmations > 1:
                raise ValidationError(
                    f"{member.name} 已经登记过预备转正。", f"{member.name} was already confirmed."
                )
            if member.joined_party and event.date < member.joined_party:
                raise ValidationError(
                    f"{member.name} 的转正日期（{event.date}）早于入党日期（{member.joined_party}）。",
                    f"{member.name}: confirmation before joining.",
                )
