"""The event pump: what Lambda's triggers would push (queues, streams, schedules, topics, receipts), polled."""
