"""The lookup API's part of `GET /openapi.json` (its routes, answers and schemas); web/openapi.py
assembles the document from this part and the console's."""

from __future__ import annotations

from typing import Any

from chalicelib.web.openapi import Part, error

_REF = "#/components/schemas/"
_MONTH = {"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "2026-10"}
_DATE = {"type": "string", "format": "date", "example": "2026-11-05"}
_NULLABLE_DATE = {"type": "string", "format": "date", "nullable": True}
_MONEY = {"type": "integer", "minimum": 0, "description": "whole VND"}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": _REF + name}


def _json(schema: dict[str, Any], description: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = {"description": description, "content": {"application/json": {"schema": schema}}}
    if headers:
        answer["headers"] = headers
    return answer


_RETRY_AFTER = {"Retry-After": {"description": "seconds to wait", "schema": {"type": "integer", "minimum": 1}}}
_BAD = error("bad input; the message names the field")
_UNAUTHORIZED = error("no token, or an expired or altered one")
_TOO_MANY = error("too many requests", _RETRY_AFTER)
_BEARER = [{"bearer": []}]
_CASE_CODE = {
    "type": "string",
    "pattern": r"^BHXH-\d{2}-\d{4}-\d{4,6}$",
    "example": "BHXH-40-2612-0042",
    "description": "the case's readable code: the person's province, the year and month it was opened"
    " (Asia/Ho_Chi_Minh), that province's month's sequence",
}
_FLAG_STATE = {
    "type": "object",
    "nullable": True,
    "description": "the signed-in person's own flag of this month or visit (null: not flagged); additive to the"
    " contract's fields",
    "properties": {
        "case_code": {**_CASE_CODE, "nullable": True, "description": "null for a case opened before codes"},
        "status": {"type": "string", "enum": ["open", "closed"]},
        "outcome": {"type": "string", "nullable": True, "description": "the agency's answer, once closed"},
        "opened_at": {"type": "string", "format": "date-time"},
        "closed_at": {"type": "string", "format": "date-time", "nullable": True},
    },
}


def _object(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
        "additionalProperties": False,
    }


def _body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


_SCHEMAS: dict[str, Any] = {
    "OtpRequest": _object({"ss_code": {"type": "string", "pattern": r"^\d{10}$", "example": "0110129425"}}),
    "OtpAccepted": _object({"request_id": {"type": "string"}, "expires_in": {"type": "integer", "example": 300}}),
    "TokenRequest": _object(
        {"request_id": {"type": "string", "maxLength": 64}, "otp": {"type": "string", "pattern": r"^\d{6}$"}}
    ),
    "Token": _object(
        {
            "token": {"type": "string"},
            "token_type": {"type": "string", "enum": ["Bearer"]},
            "expires_in": {"type": "integer", "example": 900},
        }
    ),
    "Me": _object(
        {
            "ss_code": {"type": "string"},
            "full_name": {"type": "string"},
            "date_of_birth": _DATE,
            "unit_code": {"type": "string", "nullable": True},
            "masked_phone": {"type": "string", "nullable": True, "example": "*******678"},
        }
    ),
    "Month": _object(
        {
            "period": _MONTH,
            "unit_code": {"type": "string"},
            "salary_vnd": _MONEY,
            "si_vnd": _MONEY,
            "hi_vnd": _MONEY,
            "ui_vnd": _MONEY,
            "status": {"type": "string", "enum": ["paid", "owed"]},
            "flag": _FLAG_STATE,
        }
    ),
    "Contributions": _object(
        {
            "months": {"type": "array", "items": _ref("Month")},
            "totals": _object(
                {
                    "si_months": {"type": "integer", "minimum": 0},
                    "ui_months": {"type": "integer", "minimum": 0},
                    "owed_months": {"type": "integer", "minimum": 0},
                }
            ),
        }
    ),
    "HiCard": _object(
        {
            "card_no": {"type": "string", "example": "HC4010110129425"},
            "valid_from": _DATE,
            "valid_to": _DATE,
            "household": {"type": "boolean"},
            "facility": {"type": "string", "nullable": True},
            "status": {"type": "string", "enum": ["valid", "expiring", "expired"]},
        }
    ),
    "Voluntary": _object(
        {
            "months_per_payment": {"type": "integer", "minimum": 1},
            "paid_to": _MONTH,
            "income_vnd": _MONEY,
            "status": {"type": "string", "enum": ["paid_up", "due", "lapsed"]},
        }
    ),
    "Claim": _object(
        {
            "claim_id": {"type": "string", "example": "KCB-2026-000123"},
            "facility": {"type": "string"},
            "visit_on": _DATE,
            "fund_paid_vnd": _MONEY,
            "flag": _FLAG_STATE,
        }
    ),
    "Claims": _object({"claims": {"type": "array", "items": _ref("Claim")}}),
    "Flag": {
        "oneOf": [
            _object({"kind": {"type": "string", "enum": ["unpaid_month"]}, "period": _MONTH}),
            _object(
                {
                    "kind": {"type": "string", "enum": ["unknown_visit"]},
                    "claim_id": {"type": "string", "maxLength": 64, "example": "KCB-2026-000123"},
                }
            ),
        ]
    },
    "FlagOpened": _object(
        {"id": {"type": "string", "example": "case-abcdefghijklmnopabcdefgh"}, "case_code": _CASE_CODE}
    ),
    "HiCardCheck": _object(
        {
            "card_no": {"type": "string", "example": "HC4010110129425"},
            "full_name": {"type": "string", "description": "with or without diacritics"},
            "date_of_birth": {"type": "string", "description": "YYYY-MM-DD or DD/MM/YYYY"},
        }
    ),
    "HiCardValidity": _object(
        {
            "card_no": {"type": "string"},
            "valid_from": _DATE,
            "valid_to": _DATE,
            "status": {"type": "string", "enum": ["valid", "expiring", "expired"]},
        }
    ),
    "Dossier": _object(
        {
            "dossier_no": {"type": "string"},
            "procedure": {"type": "string"},
            "status": {"type": "string", "enum": ["received", "processing", "completed", "returned"]},
            "received_on": _NULLABLE_DATE,
            "appointment_on": _NULLABLE_DATE,
            "completed_on": _NULLABLE_DATE,
        }
    ),
    "SnsEnvelope": {
        "type": "object",
        "description": "An SNS HTTPS delivery: Notification (its Message is the carrier's JSON), "
        "SubscriptionConfirmation or UnsubscribeConfirmation; signature version 1 or 2.",
        "properties": {
            "Type": {"type": "string", "enum": ["Notification", "SubscriptionConfirmation", "UnsubscribeConfirmation"]},
            "MessageId": {"type": "string"},
            "TopicArn": {"type": "string"},
            "Message": {"type": "string"},
            "Timestamp": {"type": "string"},
            "SignatureVersion": {"type": "string", "enum": ["1", "2"]},
            "Signature": {"type": "string"},
            "SigningCertURL": {"type": "string"},
            "SubscribeURL": {"type": "string"},
            "Token": {"type": "string"},
        },
        "required": ["Type", "MessageId", "TopicArn", "Message", "Timestamp", "SignatureVersion", "Signature"],
    },
}


def _get(summary: str, ok: dict[str, Any], *, secured: bool = False, **errors: dict[str, Any]) -> dict[str, Any]:
    operation: dict[str, Any] = {"summary": summary, "responses": {"200": ok, **errors}}
    if secured:
        operation["security"] = _BEARER
        operation["responses"]["401"] = _UNAUTHORIZED
    return operation


_PATHS: dict[str, Any] = {
    "/health": {"get": _get("liveness", _json(_object({"status": {"type": "string", "enum": ["ok"]}}), "up"))},
    "/v1/otp": {
        "post": {
            "summary": "send a sign-in code to the phone registered for the ss_code (same answer for any code)",
            "requestBody": _body(_ref("OtpRequest")),
            "responses": {
                "202": _json(_ref("OtpAccepted"), "accepted"),
                "400": _BAD,
                "429": _TOO_MANY,
            },
        }
    },
    "/v1/token": {
        "post": {
            "summary": "exchange the code for a bearer token valid 15 minutes for one ss_code",
            "requestBody": _body(_ref("TokenRequest")),
            "responses": {
                "200": _json(_ref("Token"), "signed in"),
                "400": _BAD,
                "401": error("wrong, expired or spent code (five wrong tries spend it)"),
            },
        }
    },
    "/v1/me": {"get": _get("the signed-in person", _json(_ref("Me"), "the person"), secured=True)},
    "/v1/me/contributions": {
        "get": {
            **_get(
                "months of contributions, paid or owed, with totals (from/to inclusive, optional)",
                _json(_ref("Contributions"), "the months"),
                secured=True,
                **{"400": _BAD},
            ),
            "parameters": [
                {"name": "from", "in": "query", "required": False, "schema": {"type": "string"}, "example": "2025-01"},
                {"name": "to", "in": "query", "required": False, "schema": {"type": "string"}, "example": "2025-12"},
            ],
        }
    },
    "/v1/me/hi-card": {
        "get": _get(
            "the signed-in person's health-insurance card",
            _json(_ref("HiCard"), "the card"),
            secured=True,
            **{"404": error("no card on file")},
        )
    },
    "/v1/me/voluntary": {
        "get": _get(
            "the signed-in person's voluntary plan",
            _json(_ref("Voluntary"), "the plan"),
            secured=True,
            **{"404": error("no plan on file")},
        )
    },
    "/v1/me/claims": {
        "get": _get(
            "the signed-in person's settled health-care visits, newest first",
            _json(_ref("Claims"), "the visits"),
            secured=True,
        )
    },
    "/v1/me/flags": {
        "post": {
            "summary": "flag a month shown owed that was withheld from one's pay, or a visit never made: a case"
            " for the agency; one flag per fact",
            "security": _BEARER,
            "requestBody": _body(_ref("Flag")),
            "responses": {
                "201": _json(_ref("FlagOpened"), "the case is open"),
                "400": _BAD,
                "401": _UNAUTHORIZED,
                "404": error("no such visit on the person's record"),
                "409": error("this fact was already flagged"),
            },
        }
    },
    "/v1/hi-cards/check": {
        "post": {
            "summary": "a card's validity when card number, name and date of birth all match",
            "requestBody": _body(_ref("HiCardCheck")),
            "responses": {
                "200": _json(_ref("HiCardValidity"), "all three match"),
                "400": _BAD,
                "404": error("no match (the same for an unknown card and for mismatched details)"),
                "429": _TOO_MANY,
            },
        }
    },
    "/v1/dossiers": {
        "get": {
            **_get(
                "a dossier's status (nothing personal)",
                _json(_ref("Dossier"), "the dossier"),
                **{"400": _BAD, "404": error("no such dossier"), "429": _TOO_MANY},
            ),
            "parameters": [
                {
                    "name": "no",
                    "in": "query",
                    "required": True,
                    "schema": {"type": "string"},
                    "example": "03706/2026/07906",
                }
            ],
        }
    },
    "/sms/inbound": {
        "post": {
            "summary": "the SNS HTTPS endpoint for inbound SMS (signature verified, configured topic only)",
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": _ref("SnsEnvelope")},
                    "text/plain": {"schema": {"type": "string"}},
                },
            },
            "responses": {
                "200": {"description": "taken (answered once per inboundMessageId)"},
                "400": _BAD,
                "403": error("signature, certificate or topic not accepted"),
            },
        }
    },
    "/": {
        "get": {
            "summary": "the lookup page (Vietnamese, with English)",
            "responses": {"200": {"description": "HTML", "content": {"text/html": {"schema": {"type": "string"}}}}},
        }
    },
    "/openapi.json": {
        "get": {
            "summary": "this description",
            "responses": {
                "200": {"description": "OpenAPI 3", "content": {"application/json": {"schema": {"type": "object"}}}}
            },
        }
    },
}


PART = Part(
    paths=_PATHS,
    schemas=_SCHEMAS,
    security_schemes={"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
)
