"""The one parser of svmlab's trace (docs/trace-format.md).

The kernel writes readable text and machine-readable lines on the same
serial console.  A machine-readable line is the prefix ``@svmlab `` and one
JSON object whose ``ev`` member names the event.  Everything else is text
for people.  This module turns a serial log into a ``Trace``; no other
module in the project reads trace lines.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

PREFIX = "@svmlab "

#: Every event the kernel emits, with the members it always carries.
EVENTS = {
    "run": ("version", "boot", "cmdline", "cpu"),
    "chapter_start": ("ch", "slug", "title"),
    "chapter_end": ("ch", "result", "passed", "failed"),
    "check": ("ch", "name", "ok", "detail"),
    "report": ("ch", "key", "value"),
    "guest_start": ("guest", "entry", "nrips", "traced"),
    "guest_end": ("guest", "result", "reason", "expected"),
    "exit_stats": ("guest", "total", "codes", "other"),
    "exit": ("guest", "n", "code", "name", "rip", "nrip", "info1", "info2",
             "intinfo", "intctl", "intstate", "asid", "gen", "tlb"),
    "guest_report": ("guest", "key", "value"),
    "guest_console": ("guest", "text"),
    "inject": ("guest", "type", "vector", "error", "rip"),
    "inject_refused": ("guest", "event", "desc", "rip", "reason"),
    "reinject": ("guest", "event", "desc", "rip"),
    "merge": ("guest", "event", "desc", "rip", "second", "result"),
    "window": ("guest", "open", "rip"),
    "nmi_window": ("guest", "phase", "rip", "pending"),
    "page_out": ("guest", "gva", "size"),
    "page_in": ("guest", "gva", "cr2", "intinfo"),
    "watchdog": ("guest", "ms", "rip", "tsc"),
    "asid_cpu": ("nasid", "cpu_nasid", "flush_by_asid"),
    "asid": ("guest", "asid", "gen", "why", "tlb"),
    "invlpga": ("guest", "asid", "gva", "why", "done"),
    "sched": ("guest", "turn"),
    "preempt": ("guest", "n", "rip", "exit"),
    "guest_mode": ("guest", "mode", "name", "nested", "cr0", "cr3", "ncr3"),
    "npf": ("guest", "gpa", "info1", "flags", "action"),
    "npt_set": ("guest", "gpa", "prot", "done"),
    "dirty_start": ("guest", "pages"),
    "dirty_list": ("guest", "pages", "count"),
    "mmio": ("guest", "gpa", "target", "write", "size", "value", "len"),
    "hv_checksum": ("when", "value", "secret_intact"),
    "ghcb_msr": ("guest", "req", "request", "resp", "error"),
    "vmgexit": ("guest", "gpa", "code", "name", "info1", "info2", "resp",
                "detail", "error", "why", "valid_lo", "valid_hi"),
    "ghcb_bug": ("guest", "field", "code"),
    "vc": ("guest", "code", "rip", "how"),
    "vc_probe": ("guest", "bytes", "pushed"),
    "guest_check": ("guest", "ok", "message"),
    "vmcb_check": ("guest", "rules"),
    "vmrun_case": ("case", "rule", "checker", "code", "name", "exits"),
    "refusal": ("reason", "message"),
    "todo": ("ch", "function", "file"),
    "panic": ("kind",),
    "summary": ("status", "checks", "guests", "chapters"),
    "fuzz_case": ("case", "corpus", "muts", "checker", "verdict", "code",
                  "name", "agree", "vmcb"),
    # The members both fuzzers give; each fuzzer's own are documented
    # in docs/trace-format.md.
    "fuzz_summary": ("fuzzer", "seed", "cases", "exits", "watchdog",
                     "host_crashes", "host_intact", "digest"),
}

#: The summary statuses and what each means (emu_exit.h: enum run_status).
STATUSES = ("pass", "fail", "no-svm", "bad-cmdline", "panic")


class TraceError(Exception):
    """A trace line that is not valid: the kernel broke the format."""


@dataclass
class Trace:
    """The events of one run, in order, plus the readable text."""

    events: list = field(default_factory=list)
    text: list = field(default_factory=list)

    # ---- access by kind -------------------------------------------------
    def of(self, ev: str) -> list:
        """All events of kind ``ev``, in order."""
        return [e for e in self.events if e["ev"] == ev]

    def one(self, ev: str) -> dict:
        """The single event of kind ``ev``; an error if not exactly one."""
        found = self.of(ev)
        if len(found) != 1:
            raise TraceError(f"expected one {ev!r} event, found {len(found)}")
        return found[0]

    @property
    def summary(self) -> dict | None:
        """The summary event, or None if the run never reached it."""
        last = self.events[-1] if self.events else None
        return last if last and last["ev"] == "summary" else None

    @property
    def status(self) -> str:
        """The summary's status, or "no-summary" for a run cut short."""
        return self.summary["status"] if self.summary else "no-summary"

    @property
    def passed(self) -> bool:
        """True only for a run whose last event is a passing summary."""
        return self.status == "pass"

    def checks(self, ch: int | None = None) -> dict:
        """Host checks by name (optionally of one chapter)."""
        return {e["name"]: e for e in self.of("check")
                if ch is None or e["ch"] == ch}

    def report(self, key: str) -> object:
        """The value of the one report with this key."""
        found = [e for e in self.of("report") if e["key"] == key]
        if len(found) != 1:
            raise TraceError(f"expected one report {key!r}, found {len(found)}")
        return found[0]["value"]

    # ---- guests ---------------------------------------------------------
    def exits(self, guest: str) -> list:
        """The exit events of one guest, in order."""
        return [e for e in self.of("exit") if e["guest"] == guest]

    def exit_stats(self) -> dict:
        """The kernel's exit counts, {guest: {exit name: count}}, in the
        order the guests ended; codes beyond its table count as "other"."""
        out = {}
        for e in self.of("exit_stats"):
            counts = out.setdefault(e["guest"], {})
            for name, n in list(e["codes"].items()) + [("other", e["other"])]:
                if n:
                    counts[name] = counts.get(name, 0) + n
        return out

    def guest_reports(self, guest: str) -> dict:
        """A guest's HC_REPORT values by key (a key reported twice is an
        error: guests report each key once)."""
        out = {}
        for e in self.of("guest_report"):
            if e["guest"] == guest:
                if e["key"] in out:
                    raise TraceError(f"{guest} reported {e['key']!r} twice")
                out[e["key"]] = e["value"]
        return out

    def _one_where(self, ev: str, key: str, value: str) -> dict:
        found = [e for e in self.of(ev) if e[key] == value]
        if len(found) != 1:
            raise TraceError(f"expected one {ev} with {key}={value!r}, "
                             f"found {len(found)}")
        return found[0]

    def injections(self, guest: str) -> list:
        """The events the hypervisor injected into one guest, in order."""
        return [e for e in self.of("inject") if e["guest"] == guest]

    def guest_end(self, guest: str) -> dict:
        """The one guest_end event of ``guest``."""
        return self._one_where("guest_end", "guest", guest)

    def case(self, name: str) -> dict:
        """The one vmrun_case event named ``name`` (chapter 4)."""
        return self._one_where("vmrun_case", "case", name)

    def chapter_result(self, ch: int) -> str:
        """The chapter's result as the summary gives it."""
        if not self.summary:
            return "no-summary"
        for c in self.summary["chapters"]:
            if c["ch"] == ch:
                return c["result"]
        raise TraceError(f"chapter {ch} is not in the summary")


def parse_line(line: str, lineno: int = 0) -> dict | None:
    """The event on one line, or None if the line is readable text."""
    start = line.find(PREFIX)
    if start < 0:
        return None
    body = line[start + len(PREFIX):].strip()
    try:
        event = json.loads(body)
    except json.JSONDecodeError as err:
        raise TraceError(f"line {lineno}: bad JSON ({err}): {body!r}") from None
    if not isinstance(event, dict) or "ev" not in event:
        raise TraceError(f"line {lineno}: not an event object: {body!r}")
    missing = [k for k in EVENTS.get(event["ev"], ()) if k not in event]
    if event["ev"] not in EVENTS:
        raise TraceError(f"line {lineno}: unknown event {event['ev']!r}")
    if missing:
        raise TraceError(f"line {lineno}: {event['ev']} lacks {missing}")
    return event


def parse(log: str) -> Trace:
    """Split a serial log into events and readable text."""
    trace = Trace()
    for n, raw in enumerate(log.splitlines(), 1):
        line = raw.rstrip("\r")
        event = parse_line(line, n)
        if event is None:
            trace.text.append(line)
        else:
            trace.events.append(event)
    return trace
