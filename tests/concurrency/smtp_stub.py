"""A mail server on loopback for the worker tests: it records what it accepts, and can stall
on one recipient's message, before or after taking it, so that a test can stop the worker
at that exact moment."""

from __future__ import annotations

import asyncio
import email
import email.policy
import threading
import time
from collections import Counter
from dataclasses import dataclass

from aiosmtpd.controller import Controller

from tests.support import free_port


@dataclass(frozen=True)
class Received:
    recipient: str
    message_id: str
    subject: str


class SmtpStub:
    """`with SmtpStub() as smtp:` serves on 127.0.0.1:`smtp.port` until the block ends."""

    def __init__(self, delay: float = 0.0):
        self.port = free_port()
        self.delay = delay
        self.received: list[Received] = []
        self.stall_recipient = ""
        self.stall_after_taking = False
        self.stalled = threading.Event()  # a stall has begun
        self.release = threading.Event()  # ends the stall
        self._lock = threading.Lock()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    def stall_on(self, recipient: str, after_taking: bool = False) -> None:
        """Hold the next message to `recipient` until `release` is set: before taking it
        (then it answers 451, the message is not delivered), or after taking it (it answers
        250: delivered)."""
        self.stall_recipient, self.stall_after_taking = recipient, after_taking

    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        recipient = envelope.rcpt_tos[0]
        stall = recipient == self.stall_recipient and not self.stalled.is_set()
        if stall and not self.stall_after_taking:
            await self._stall()
            return "451 Try again later"
        with self._lock:
            self.received.append(Received(recipient, message["Message-ID"], message["Subject"]))
        if stall:
            await self._stall()
        if self.delay:
            await asyncio.sleep(self.delay)
        return "250 Message accepted for delivery"

    async def _stall(self) -> None:
        self.stalled.set()
        while not self.release.is_set():
            await asyncio.sleep(0.05)

    def copies(self) -> Counter:
        """How many copies of each recipient's message arrived."""
        with self._lock:
            return Counter(received.recipient for received in self.received)

    def wait_for_stall(self, timeout: float = 90) -> None:
        assert self.stalled.wait(timeout), "the worker never reached the mail server"

    def __enter__(self) -> SmtpStub:
        self._controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.release.set()
        time.sleep(0.1)  # let a stalled handler answer before the loop stops
        self._controller.stop()
