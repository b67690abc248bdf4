"""Sends what the lanes' queues name: only from `created`, claimed first so that no retry sends twice.

For each message of a batch the sender first reads its batch file's state (store/batches.py: a
paused batch's notice goes `held`, a stopped one's `cancelled`, without a claim), then claims the
notice (`created` → `sending`, one conditional update whose answer fills the item). The claimed
notices' opt-outs are read together (one BatchGetItem), then each is sent at its lane's pace and
ends in exactly one of: `held` (quiet hours began meanwhile), `opted-out` (the service's own list;
SNS's own list refuses the SMS itself, and its receipt says so), `sent` (with the provider's message
id, when and in how many parts), or a failure status with its reason (notify/retry.py says which).
The claim is the only exactly-once guard: no idempotency record is read or written per notice.
A claimed notice waiting for its pace reads its batch's state again once the read is older than
STATE_RECHECK_S: a pause or stop clicked meanwhile holds or cancels it instead of sending it.

The claimed notices are sent one after another in the order of their claims, and each claim names
the notice sent just before it (`claim_after`, with the invocation's `claim_id`; no extra call). A
sender that dies or fails mid-batch stops there, so when the 15-minute job finds notices left
`sending`, one whose predecessor of the same claim was left `sending` too was surely never
published: it goes back to be sent (notify/release.py). Before this a killed sender's whole claimed
batch ended `technical-failure` unsent (issue 24).

Just before each publish the sender reads the clock: on a claim older than CLAIM_HOLDS
(domain/claims.py) it publishes nothing more and gives the rest of its claim back to `created`,
conditional on the claim still holding each. The job takes a claim over only at STUCK_AFTER, so
a notice the job sends again is one its first sender let go (issue 24: the soak's clock jump made
the job take over live claims, whose senders then sent the same SMS beside it).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import timedelta

from aws_lambda_powertools import Logger

from chalicelib.aws.lanes import LaneMessage
from chalicelib.domain.claims import claim_lapsed
from chalicelib.domain.clock import Clock, utc_iso
from chalicelib.domain.lanes import Lane
from chalicelib.domain.otp import otp_code
from chalicelib.domain.phones import mask_phone
from chalicelib.domain.quiet_hours import release_time
from chalicelib.domain.status import MAYBE_SENT, Status
from chalicelib.domain.templates import render
from chalicelib.domain.text import count_segments
from chalicelib.notify.retry import error_code, failure_status, outcome_unknown, publish_retryable, with_retries
from chalicelib.observability import correlate
from chalicelib.services import Services
from chalicelib.store.batches import BatchState, BatchStates
from chalicelib.store.guard import opted_out_among
from chalicelib.store.maps import plain_map
from chalicelib.store.models import NotificationModel
from chalicelib.store.outbox import PAUSED, STOPPED, cancel, claim, finish, hold, send_again

logger = Logger(child=True)

MAX_ATTEMPTS = 5  # sends of one notice, counting the 15-minute job's retries
RETRY_AFTER = timedelta(minutes=15)  # doubled after each failed attempt
STATE_RECHECK_S = 2.0  # a pause or stop clicked while claimed SMS wait for their pace stops them within this
LAPSED_REASON = "the sender's claim lapsed before it was sent"


class ClaimLapsed(Exception):
    """The claim is older than CLAIM_HOLDS: the 15-minute job may take it over, so nothing more is
    published on it."""


def send_messages(svc: Services, lane: Lane, messages: Sequence[tuple[str, LaneMessage]]) -> list[str]:
    """Send the notices a batch of lane messages names; returns the ids of the messages that failed
    (SQS delivers them again: the claim makes that harmless)."""
    states = BatchStates(svc.tables, svc.monotonic)
    claimed: list[tuple[str, NotificationModel]] = []
    failed: list[str] = []
    claim_id = uuid.uuid4().hex
    for message_id, message in messages:
        if any(item.id == message.notice_id for _, item in claimed):
            continue  # the same notice twice in one batch (a lane message redelivered): this claim is one
        try:
            item = _claim(svc, message, states, claim_id, claimed[-1][1].id if claimed else None)
        except Exception:
            logger.exception("notice not claimed", notice=message.notice_id)
            failed.append(message_id)
            continue
        if item is not None:
            claimed.append((message_id, item))
    try:  # the service's own opt-out list, for every notice that may be refused (urgent ones may not)
        opted_out = opted_out_among(svc.tables, [i.phone or "" for _, i in claimed if not i.urgent])
    except Exception as exc:  # the claims stand: each ends with this failure, retried by the 15-minute job
        opted_out, lookup_error = set(), exc
    else:
        lookup_error = None
    for n, (_message_id, item) in enumerate(claimed):
        correlate(item.source)
        try:
            _send(svc, lane, item, opted_out, lookup_error, states)
        except ClaimLapsed:  # nothing more on this claim: the rest goes back to be sent by a fresh one
            given = _give_back(svc, [i for _, i in claimed[n:]])
            logger.warning("claim lapsed before its notices were sent", notice=item.id, given_back=given)
            break
        except Exception:  # stop here: the notices after it stay claimed and unsent, which the job can tell
            logger.exception("notice not finished", notice=item.id, unsent=len(claimed) - n - 1)
            failed += [m for m, _ in claimed[n:]]
            break
    correlate(None)
    return failed


def _claim(
    svc: Services, message: LaneMessage, states: BatchStates, claim_id: str, after: str | None
) -> NotificationModel | None:
    """The claimed notice, or None when it is not (or no longer) to be sent by this message."""
    tables, clock = svc.tables, svc.clock
    state = states(message.batch)
    if state is not BatchState.ACTIVE:  # read before the claim: a paused or stopped file sends nothing
        now = utc_iso(clock())
        moved = (
            hold(tables, message.notice_id, now)
            if state is BatchState.PAUSED
            else cancel(tables, message.notice_id, now, expected=(Status.CREATED,))
        )
        logger.info("notice of a batch not active", notice=message.notice_id, state=state, moved=moved)
        return None
    item = claim(tables, message.notice_id, claim_id, after, utc_iso(clock()))  # only from `created`
    if item is None:
        mine = _claimed_by(tables.notifications, message.notice_id, claim_id)
        if mine is None:
            logger.info("notice already claimed", notice=message.notice_id)
        return mine
    return item


def _claimed_by(model: type[NotificationModel], notice_id: str, claim_id: str) -> NotificationModel | None:
    """The notice if this very claim holds it: botocore retries an update whose answer was lost
    (a read timeout after DynamoDB applied it), and the retry's condition then fails on its own
    claim. Without this the notice stayed `sending`, unsent, until the 15-minute job ended it
    `technical-failure` (issue 24). Read only when a claim is refused (a redelivery, mostly)."""
    try:
        item = model.get(notice_id, consistent_read=True)
    except model.DoesNotExist:
        return None
    return item if item.status == Status.SENDING and item.claim_id == claim_id else None


def _send(
    svc: Services,
    lane: Lane,
    item: NotificationModel,
    opted_out: set[str],
    lookup_error: Exception | None,
    states: BatchStates,
) -> str:
    clock = svc.clock
    phone = item.phone or ""
    if not item.urgent:
        release = release_time(clock())
        if release is not None:  # a late message or a retry must not wake anyone either
            return _finish(item, clock, status=Status.HELD, send_after=utc_iso(release), attempts=-1)
        state = states.fresh(item.batch, STATE_RECHECK_S)  # claimed before a pause, sent after it: not so
        if state is BatchState.PAUSED:
            return _finish(item, clock, status=Status.HELD, reason=PAUSED, send_after=utc_iso(clock()), attempts=-1)
        if state is BatchState.STOPPED:
            return _finish(item, clock, status=Status.CANCELLED, reason=STOPPED, attempts=-1)
        if lookup_error is not None:
            return _failed(item, clock, lookup_error)
        if phone in opted_out:
            return _finish(item, clock, status=Status.OPTED_OUT, reason="phone opted out")
    text = text_of(svc, item)
    parts = max(count_segments(text, ucs2=svc.settings.unicode_sms).count, 1)
    pacer = svc.pacer(lane)

    def publish() -> str:
        pacer.acquire(parts)
        if claim_lapsed(item.updated_at, clock()):  # after the wait for the pace, before the SMS
            raise ClaimLapsed(item.id)
        return svc.sms.send(phone, text)

    try:
        provider_id = with_retries(publish, retry_on=publish_retryable, sleep=svc.sleep)
    except ClaimLapsed:
        raise
    except Exception as exc:
        if outcome_unknown(exc):  # never sent again, by this call or the 15-minute job
            reason = f"{error_code(exc)}: {MAYBE_SENT}, not retried"
            return _finish(item, clock, status=Status.TECHNICAL_FAILURE, reason=reason)
        return _failed(item, clock, exc)
    logger.info("notice sent", notice=item.id, provider_id=provider_id, phone=mask_phone(phone), parts=parts)
    return _finish(item, clock, status=Status.SENT, provider_id=provider_id, parts=parts)


def _give_back(svc: Services, items: Sequence[NotificationModel]) -> int:
    """Claimed notices not published go back to `created` (the stream queues them again), each only
    while this claim still holds it; the claim's attempt is taken back. Returns how many went back;
    one the job took meanwhile, or that a failed write left `sending`, is the job's to settle."""
    now = utc_iso(svc.clock())
    back = 0
    for item in items:
        try:
            back += send_again(svc.tables, item, LAPSED_REASON, now, attempt_back=True)
        except Exception:
            logger.exception("lapsed notice not given back", notice=item.id)
    return back


def text_of(svc: Services, item: NotificationModel) -> str:
    """The SMS text, rendered now: an OTP's code is derived here from its request (domain/otp.py),
    never stored."""
    params = plain_map(item.params)
    if item.template == "otp":
        params["code"] = otp_code(svc.otp_key(), str(params.get("request_id", "")))
    return render(item.template, params, unicode=svc.settings.unicode_sms)


def retry_after(item: NotificationModel, clock: Clock) -> str:
    """When the 15-minute job may try a temporary failure again: 15, 30, 60, … minutes on."""
    attempts = max(int(item.attempts or 1), 1)
    return utc_iso(clock() + RETRY_AFTER * 2 ** (attempts - 1))


def _failed(item: NotificationModel, clock: Clock, exc: Exception) -> str:
    status = failure_status(exc)
    after = retry_after(item, clock) if status == Status.TEMPORARY_FAILURE else None
    return _finish(item, clock, status=status, reason=error_code(exc), send_after=after)


def _finish(
    item: NotificationModel,
    clock: Clock,
    *,
    status: Status,
    reason: str | None = None,
    provider_id: str | None = None,
    parts: int | None = None,
    send_after: str | None = None,
    attempts: int = 0,
) -> str:
    """Write the outcome. The claim's answer holds the whole item and nothing else moves a notice
    that is `sending` (the 15-minute job only after 15 minutes), so the item is written whole, one
    PutItem (in DynamoDB the same write unit as an UpdateItem; in moto, a quarter of its CPU),
    conditional on the claim still holding it (store/outbox.py): never over another's move."""
    now = utc_iso(clock())
    item.updated_at = now
    if reason is not None:
        item.reason = reason
    if provider_id is not None:
        item.provider_id, item.sent_at, item.parts = provider_id, now, parts or 1
        item.reason = None  # an earlier attempt's failure is no longer the story
    if send_after is not None:
        item.send_after = send_after
    if attempts:
        item.attempts = int(item.attempts or 0) + attempts  # a hold is not an attempt
    if not finish(item, Status(status)):
        logger.error("notice's outcome not recorded: it was moved meanwhile", notice=item.id, status=status)
    elif status != Status.SENT:
        logger.warning("notice not sent", notice=item.id, status=status, reason=reason)
    return status
