from datetime import datetime

from civic.meetings.ical import Event, calendar, escape_text, fold


def test_text_is_escaped_backslash_first():
    assert escape_text("a\\b;c,d\ne") == "a\\\\b\\;c\\,d\\ne"


def test_long_lines_fold_at_75_octets_without_splitting_characters():
    line = "SUMMARY:" + "説明会" * 40
    folded = fold(line)
    parts = folded.split("\r\n")
    assert len(parts) > 1
    assert all(len(p.encode()) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join([parts[0]] + [p[1:] for p in parts[1:]]) == line


def test_a_calendar_has_crlf_utc_times_and_a_stamp_per_event():
    event = Event(uid="meeting-7@civic", starts_at=datetime(2026, 5, 9, 1, 0),
                  ends_at=datetime(2026, 5, 9, 3, 0), summary="公園の説明会, 第1回",
                  location="本町会館; 2階")
    body = calendar([event, event], stamp=datetime(2026, 5, 1, 12, 0), name="本町")
    text = body.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")
    assert text.count("DTSTAMP:20260501T120000Z\r\n") == 2
    assert "DTSTART:20260509T010000Z\r\n" in text
    assert "SUMMARY:公園の説明会\\, 第1回\r\n" in text
    assert "LOCATION:本町会館\\; 2階\r\n" in text
