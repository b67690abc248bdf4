"""SMS providers behind one interface, so the sender never knows which carrier path it uses."""

from __future__ import annotations

from typing import Any, Protocol


class SmsProvider(Protocol):
    def send(self, phone: str, text: str) -> str:
        """Send one SMS; returns the provider's message id."""
        ...

    def is_opted_out(self, phone: str) -> bool: ...


class SnsSms:
    """SNS `Publish` to a phone number: one call a message (PublishBatch cannot address phones)."""

    def __init__(self, sns: Any, sender_id: str, sms_type: str) -> None:
        self._sns = sns
        self._attributes = {
            "AWS.SNS.SMS.SenderID": {"DataType": "String", "StringValue": sender_id},
            "AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": sms_type},
        }

    def send(self, phone: str, text: str) -> str:
        answer = self._sns.publish(PhoneNumber=phone, Message=text, MessageAttributes=self._attributes)
        return str(answer["MessageId"])

    def is_opted_out(self, phone: str) -> bool:
        return bool(self._sns.check_if_phone_number_is_opted_out(phoneNumber=phone)["isOptedOut"])
