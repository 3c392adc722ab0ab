"""Publish this library to a team server, from the app: an admin of a library of this computer
publishes the demo library to an empty database on a server that demands passwords (a
throw-away SCRAM cluster), sees the progress and the verification report with everyone's
one-time password, and a person signs in with theirs. A wrong DBA password says so."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

import psycopg
import pytest

from enablement.team.signin import sign_in
from tests.team.cluster import SUPERUSER_PASSWORD, Cluster, scram_cluster
from tests.ui.pages_support import click
from ui.dialogs.publish_dialog import PublishDialog

pytestmark = [pytest.mark.postgres, pytest.mark.ui, pytest.mark.slow]


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    with scram_cluster() as c:
        with psycopg.connect(c.url("postgres"), password=SUPERUSER_PASSWORD, autocommit=True) as conn:
            conn.execute("CREATE DATABASE team")
        yield c


def test_an_admin_publishes_the_library_and_people_sign_in(qtbot, make_window, demo_ctx, cluster: Cluster,
                                                           tmp_path: Path, monkeypatch) -> None:
    for key in ("PGPASSWORD", "PGPASSFILE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-pgpass"))
    rep_window = make_window(demo_ctx("rep"))
    assert not rep_window.publish_action.isVisible()
    window = make_window(demo_ctx("admin"))
    assert window.publish_action.isVisible()
    window.publish_action.trigger()
    dialog = window.publish_dialog
    assert isinstance(dialog, PublishDialog) and dialog.isVisible()
    dialog.server.setText(f"127.0.0.1:{cluster.port}")
    dialog.database.setText("team")
    dialog.login.setText("postgres")
    dialog.password.setText("not-the-DBA-password")
    steps: list[int] = []
    dialog.progress_bar.valueChanged.connect(steps.append)
    click(qtbot, dialog.start_button)
    assert dialog.status.text() == (f"Not published: The team server at 127.0.0.1:{cluster.port} refused the login "
                                    "'postgres': wrong password (or no such login).")
    assert dialog.password.text() == "not-the-DBA-password"  # kept to correct, not cleared
    dialog.password.setText(SUPERUSER_PASSWORD)
    click(qtbot, dialog.start_button)
    assert dialog.report is not None and dialog.report.verified, dialog.report_view.toPlainText()
    assert steps and max(steps) > 0  # progress was shown
    text = dialog.report_view.toPlainText()
    assert "Published and verified." in text and "Reports: 9 compared, all equal." in text
    assert dialog.password.text() == ""
    found = re.search(r"One-time password for '([a-z_]+)' \(Sam Rivera\): (\S+)", text)
    assert found is not None
    library, actor, _ = sign_in(cluster.url(found.group(1), "team"), found.group(2), root=tmp_path / "sam",
                                with_index=False)
    try:
        assert (actor.name, actor.role) == ("Sam Rivera", "rep")
        assert len(library.pieces.list()) > 0
    finally:
        library.close()


def test_publishing_can_be_stopped_and_started_again(qtbot, make_window, demo_ctx, cluster: Cluster,
                                                     tmp_path: Path, monkeypatch) -> None:
    with psycopg.connect(cluster.url("postgres"), password=SUPERUSER_PASSWORD, autocommit=True) as conn:
        conn.execute("CREATE DATABASE team_stopped")
    window = make_window(demo_ctx("admin"))
    window.publish_action.trigger()
    dialog = window.publish_dialog
    assert isinstance(dialog, PublishDialog)
    dialog.server.setText(f"127.0.0.1:{cluster.port}")
    dialog.database.setText("team_stopped")
    dialog.login.setText("postgres")
    dialog.password.setText(SUPERUSER_PASSWORD)
    assert not dialog.stop_button.isVisible()

    def stop_at_the_first_file(value: int) -> None:
        if value == 1 and dialog.stop_button.isEnabled():
            click(qtbot, dialog.stop_button)  # visible and enabled while publishing
    dialog.progress_bar.valueChanged.connect(stop_at_the_first_file)
    click(qtbot, dialog.start_button)
    assert dialog.status.text().startswith("Stopped. The server keeps what was copied; Publish again completes it")
    assert dialog.report is None and not dialog.stop_button.isVisible() and dialog.start_button.isEnabled()
    assert dialog.password.text() == SUPERUSER_PASSWORD  # kept for the next try
    with psycopg.connect(cluster.url("postgres", "team_stopped"), password=SUPERUSER_PASSWORD) as conn:
        assert conn.execute("SELECT count(*) FROM blobs").fetchone()[0] == 1
        assert conn.execute("SELECT count(*) FROM pieces").fetchone()[0] == 0
    dialog.progress_bar.valueChanged.disconnect(stop_at_the_first_file)
    click(qtbot, dialog.start_button)
    assert dialog.report is not None and dialog.report.verified, dialog.report_view.toPlainText()
    assert "Published and verified." in dialog.report_view.toPlainText()
