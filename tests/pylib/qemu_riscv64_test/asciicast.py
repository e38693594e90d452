"""Reads an asciicast v2 file as its players do, strictly: a header line, then
events [seconds, "o" | "i" | "m", text], times never going back."""
import json

EVENT_KINDS = ("o", "i", "m")


def read_cast(path):
    """(header, [(seconds, kind, text), ...]); raises AssertionError naming the line at fault."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    assert lines[-1] == "", f"{path}: the last line does not end with a newline"
    header = json.loads(lines[0])
    assert header.get("version") == 2 and isinstance(header.get("timestamp"), int) \
        and isinstance(header.get("width"), int) and isinstance(header.get("height"), int), \
        f"{path}: not an asciicast v2 header: {lines[0]}"
    events = []
    for number, line in enumerate(lines[1:-1], start=2):
        event = json.loads(line)
        assert isinstance(event, list) and len(event) == 3 and isinstance(event[0], (int, float)) \
            and event[1] in EVENT_KINDS and isinstance(event[2], str), f"{path}:{number}: not an event: {line}"
        assert not events or event[0] >= events[-1][0], f"{path}:{number}: time goes back: {line}"
        events.append(tuple(event))
    return header, events


def markers(events):
    """The labels of the "m" events, in order."""
    return [text for _, kind, text in events if kind == "m"]


def output_text(events):
    """Everything the guest printed, joined."""
    return "".join(text for _, kind, text in events if kind == "o")
