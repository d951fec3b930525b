"""A minimal iCalendar (RFC 5545) event, attached to meeting notices in e-mail."""
from datetime import datetime


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%SZ")  # stored times are naive UTC


def _text(value: str) -> str:
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r", "").replace("\n", "\\n"))


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1)."""
    out, current = [], b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > 75:
            out.append(current.decode())
            current = b" "
        current += encoded
    out.append(current.decode())
    return "\r\n".join(out)


def event(*, uid: str, starts: datetime, ends: datetime, summary: str, location: str, url: str,
          sequence: int = 0, now: datetime, cancelled: bool = False) -> str:
    """One event, the one builder for meetings and room bookings; a moved meeting keeps its uid with a
    higher `sequence`, so calendars update it, and a cancelled one is sent with METHOD:CANCEL."""
    method = "CANCEL" if cancelled else "PUBLISH"
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Office Hub//Meetings//EN", f"METHOD:{method}",
             "BEGIN:VEVENT", f"UID:{uid}", f"SEQUENCE:{sequence}", f"DTSTAMP:{_stamp(now)}",
             f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
             f"DTSTART:{_stamp(starts)}", f"DTEND:{_stamp(ends)}", f"SUMMARY:{_text(summary)}",
             f"LOCATION:{_text(location)}", f"URL:{url}", f"DESCRIPTION:{_text(url)}", "END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
