"""The whole course in one run, as `make run` boots it.

This belongs to no single chapter: it passes only when every chapter's
code is present, so the lab check (test_labs.py) leaves it out.
"""


def test_default_run_ends_in_a_passing_summary(emu, boot):
    """`make run` boots the whole course: banner, chapters, summary.

    The banner names the project, the run event carries the CPU's
    identity, and the last event is a summary in which every chapter
    passed.
    """
    run = boot(emu)
    t = run.trace
    assert any(l.startswith("svmlab ") for l in t.text), run.tail()
    start = t.one("run")
    assert start["cpu"]["vendor"] == "AuthenticAMD"
    assert t.summary is not None, f"no summary line\n{run.tail()}"
    assert t.status == "pass", run.tail()
    assert all(c["result"] == "pass" for c in t.summary["chapters"])
    assert t.summary["checks"]["failed"] == 0
