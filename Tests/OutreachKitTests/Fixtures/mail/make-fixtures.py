#!/usr/bin/env python3
"""Writes the mail fixtures that an independent mail implementation can
produce: Python's `email` and `mailbox` packages (standard library).

Run it from this folder: python3 make-fixtures.py
The files it writes are committed; the tests read them, not this script.
"""
import mailbox
import time
import os
import email.charset
from email.message import EmailMessage
from email.mime.text import MIMEText
from email.mime.multipart import MIMEMultipart
from email import policy, generator

HERE = os.path.dirname(os.path.abspath(__file__))


def write(name, message):
    with open(os.path.join(HERE, name), "wb") as out:
        out.write(message.as_bytes(policy=policy.SMTP.clone(linesep="\n")))


# Apple Mail: one text/plain part in base64, the subject a base64 encoded word.
email.charset.add_charset("utf-8", email.charset.SHORTEST, email.charset.BASE64, "utf-8")
apple = MIMEText(
    "Hi Ana,\n\nI hope this finds you well. Your replay sample rate is 100% and "
    "only 12 of 5,400 recordings were watched.\n\nDana\n",
    "plain",
    "utf-8",
)
# Header(...).encode() picks Q for short ASCII; Apple Mail writes B.
apple["Subject"] = "=?utf-8?B?Rm9sbG93aW5nIHVw?="
apple["From"] = "Dana Smith <dana@example.com>"
apple["To"] = "Ana Ruiz <ana@acme.io>"
apple["Date"] = "Mon, 17 Nov 2025 09:12:00 +0100"
apple["Message-Id"] = "<5E2A1B3C-0D4E-4F5A-8B6C-7D8E9F0A1B2C@example.com>"
apple["X-Mailer"] = "Apple Mail (2.3774.600.62)"
write("apple-mail-base64.eml", apple)

# Outlook, saved on Windows: windows-1252, 8bit, an em dash as byte 0x97.
cp1252 = EmailMessage()
cp1252["Subject"] = "Your 12 stale flags"
cp1252["From"] = "Dana Smith <dana@example.com>"
cp1252["To"] = "Ana Ruiz <ana@acme.io>"
cp1252["Date"] = "Mon, 17 Nov 2025 09:12:00 +0100"
cp1252["Message-ID"] = "<cp1252@example.com>"
cp1252["MIME-Version"] = "1.0"
cp1252["Content-Type"] = 'text/plain; charset="windows-1252"'
cp1252["Content-Transfer-Encoding"] = "8bit"
cp1252.set_payload(
    "Hi Ana,\n\nCaf\u00e9 owners love flags \u2014 and we are just touching base.\n".encode("cp1252")
)
with open(os.path.join(HERE, "windows-1252-8bit.eml"), "wb") as out:
    gen = generator.BytesGenerator(out, policy=policy.SMTP.clone(linesep="\n"))
    gen.flatten(cp1252)

# A Google Takeout mbox: three messages, the third with a generic subject.
path = os.path.join(HERE, "takeout.mbox")
if os.path.exists(path):
    os.remove(path)
box = mailbox.mbox(path)
subjects = ["Your first bill lands in 6 days", "12 stale flags are slowing evaluation", "Quick question"]
bodies = [
    "Hi Ana,\n\nYour first bill lands in 6 days. One setting trims it, and it is the one I would change first for a "
    "team of your size: the autocapture of every click.\n\nDana\n",
    "Hi Tom,\n\nTwelve flags have not changed in 60 days. From what I see, two are safe to remove. I'd love to "
    "connect on it.\n\nDana\n",
    "Hi Priya,\n\nDo you want a hand with the funnel that drops mobile signups?\n\nDana\n",
]
for number, (subject, body) in enumerate(zip(subjects, bodies), start=1):
    message = MIMEMultipart("alternative", boundary=f"000000000000takeout{number}")
    message["X-GM-THRID"] = f"17830000000000000{number}"
    message["X-Gmail-Labels"] = "Sent"
    message["Subject"] = subject
    message["From"] = "Dana Smith <dana@example.com>"
    message["To"] = "ana@acme.io"
    message["Date"] = f"Mon, {number} Dec 2025 09:12:00 +0000"
    message["Message-ID"] = f"<takeout-{number}@mail.gmail.com>"
    email.charset.add_charset("utf-8", email.charset.SHORTEST, email.charset.QP, "utf-8")
    plain = MIMEText(body, "plain", "utf-8")
    email.charset.add_charset("utf-8", email.charset.SHORTEST, email.charset.BASE64, "utf-8")
    html = MIMEText("<div dir=\"ltr\">" + body.replace("\n\n", "</div><div><br></div><div>") + "</div>", "html", "utf-8")
    message.attach(plain)
    message.attach(html)
    msg = mailbox.mboxMessage(message)
    msg.set_from("1783000000000000000@xxx", time.strptime(f"2025-12-{number:02d} 09:12:00", "%Y-%m-%d %H:%M:%S"))
    box.add(msg)
box.flush()
box.close()
