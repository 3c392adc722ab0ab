"""The event-loop probe's check can fail: a GUI thread that waits on a database is caught, with
where it waited; one that only turns the event loop is not."""

from __future__ import annotations

from sqlalchemy import create_engine

from tests.ui.loop_probe import EventLoopProbe


def test_a_gui_thread_waiting_on_a_database_is_caught(qtbot) -> None:  # type: ignore[no-untyped-def]
    db = create_engine("sqlite://").connect()
    db.exec_driver_sql("SELECT 1").fetchone()  # imports done before the probe starts
    probe = EventLoopProbe()
    probe.start("idle")
    qtbot.wait(200)
    probe.phase("a query on the GUI thread")
    slow = ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000000) "
            "SELECT sum(i) FROM n")
    for _ in range(100):  # until a beat is overdue while the query runs
        if probe.io_stalls():
            break
        db.exec_driver_sql(slow).fetchone()
        qtbot.wait(20)
    probe.stop()
    db.close()
    caught = probe.io_stalls({"a query on the GUI thread"})
    assert "exec_driver_sql" in caught[-1][2] and "/sqlalchemy/" in caught[-1][2]
    assert probe.io_stalls({"idle"}) == []
    assert probe.max_stall_ms({"a query on the GUI thread"}) > probe.limit_ms
