"""What a workflow transition tells the integrations that asked to hear of it: the
`claim.transitioned` event (docs/webhooks.md), recorded in the transition's transaction."""

from __future__ import annotations

from typing import Any

from claims.models import Claim, Status
from integrations.models import WebhookEvent
from integrations.services import Event
from reviews.claimreview import public_url
from reviews.models import Transition


def _iso(moment: Any) -> str | None:
    # The same form as the REST API's datetimes: ISO 8601, UTC written as Z.
    return moment.isoformat().replace("+00:00", "Z") if moment is not None else None


TRANSITION_EVENT = WebhookEvent.CLAIM_TRANSITIONED.value


def transition_event(transition: Transition, claim: Claim) -> Event:
    """What an endpoint receives for a transition: the claim as it stood right after it,
    and the transition's place in the claim's order (`sequence`: 1, 2, 3…)."""
    name = WebhookEvent.CLAIM_TRANSITIONED
    payload = {
        "event": name.value,
        "sequence": transition.sequence,
        "claim": {
            "id": claim.pk,
            "statement": claim.statement,
            "quote": claim.quote,
            "status": claim.status,
            "rating": claim.rating.value if claim.rating is not None else None,
            "version": claim.version,
            "created_at": _iso(claim.created_at),
            "updated_at": _iso(claim.updated_at),
            # Only a published claim has a public page.
            "url": public_url(claim.pk) if claim.status == Status.PUBLISHED else None,
        },
        "transition": {
            "id": transition.pk,
            "name": transition.name,
            "from": transition.from_status,
            "to": transition.to_status,
            "actor": transition.actor.get_username(),
            "note": transition.note,
            "created_at": _iso(transition.created_at),
            "claim_version": transition.claim_version,
        },
    }
    return Event(name=name.value, claim_id=claim.pk, sequence=transition.sequence, payload=payload)
