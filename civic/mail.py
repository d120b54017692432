"""Outgoing mail: SMTP when configured, otherwise printed to the console (development)."""

import smtplib
import sys
from email.message import EmailMessage

from flask import current_app


def send(to: str, subject: str, body: str) -> None:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["CIVIC_MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    if not config.get("CIVIC_SMTP_HOST"):
        print_to_console(message)
        return
    with smtplib.SMTP(config["CIVIC_SMTP_HOST"], config["CIVIC_SMTP_PORT"], timeout=20) as smtp:
        if config["CIVIC_SMTP_STARTTLS"]:
            smtp.starttls()
        if config.get("CIVIC_SMTP_USER"):
            smtp.login(config["CIVIC_SMTP_USER"], config["CIVIC_SMTP_PASSWORD"])
        smtp.send_message(message)


def print_to_console(message: EmailMessage) -> None:
    print("----- mail (no CIVIC_SMTP_HOST set, so printed here) -----", file=sys.stderr)
    for header in ("From", "To", "Subject"):
        print(f"{header}: {message[header]}", file=sys.stderr)
    print("", message.get_content(), sep="\n", file=sys.stderr, flush=True)
