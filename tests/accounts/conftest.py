"""Account mail goes through the jobs queue: these fixtures hold the queue and catch the mail."""

import pytest


class Outbox(list):
    """Every message civic.mail.send was asked to send, as (to, subject, body)."""

    def link(self, path: str, index: int = -1) -> str:
        """The link starting with ``path`` in a message's body, as a path on this site."""
        line = next(line for line in self[index][2].splitlines() if path in line)
        return line[line.index(path):]


@pytest.fixture
def outbox(monkeypatch):
    sent = Outbox()
    monkeypatch.setattr("civic.mail.send", lambda to, subject, body: sent.append((to, subject, body)))
    return sent
