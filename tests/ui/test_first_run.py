"""First run, "who are you": no path makes a user without a name; the people list works from the
keyboard with the focus on it; role descriptions are said once, not on every row."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel

from enablement.errors import InvalidInput
from ui.dialogs.first_run import ROLE_HELP, WhoAreYouDialog


@pytest.fixture
def dialog(demo_ctx, qtbot):  # type: ignore[no-untyped-def]
    shown = WhoAreYouDialog(demo_ctx.library.users.list(), demo=True)
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitExposed(shown)
    return shown


def test_someone_new_then_a_double_click_on_a_person_starts_as_that_person(dialog, qtbot):
    dialog.new.click()
    assert dialog.new.isChecked() and dialog.name.text() == ""
    item = dialog.users.item(2)
    rect = dialog.users.visualItemRect(item)
    qtbot.mouseClick(dialog.users.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    dialog.new.click()  # back to "Someone new", as in the report, then the double click
    qtbot.mouseDClick(dialog.users.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert dialog.result() == QDialog.DialogCode.Accepted
    user, name, _role = dialog.choice()
    assert user is not None and user.name == item.data(256).name and name == ""


@pytest.mark.parametrize("typed", ["", "   ", "\u200b"])
def test_someone_new_without_a_name_does_not_start(dialog, qtbot, typed):
    dialog.new.click()
    dialog.name.setText(typed)
    dialog.name.setFocus()
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)  # the Start button is the default
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    if not typed:
        assert dialog.name.placeholderText() == "Please type your name"
    dialog.accept()  # however it is asked
    assert dialog.isVisible()
    dialog.name.setText("Dana New")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.choice()[1] == "Dana New"


def test_the_people_list_has_the_focus_and_works_from_the_keyboard(dialog, qtbot):
    assert dialog.focusWidget() is dialog.users
    start = dialog.users.currentRow()
    qtbot.keyClick(dialog.users, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.users, Qt.Key.Key_Down)
    assert dialog.users.currentRow() == start + 2 and dialog.pick.isChecked()
    chosen = dialog.users.currentItem().data(256)
    qtbot.keyClick(dialog.users, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.choice()[0] == chosen


def test_role_descriptions_are_said_once(dialog):
    rows = [dialog.users.item(i).text() for i in range(dialog.users.count())]
    legend = dialog.findChild(QLabel, "roleHelp").text()
    for help_text in ROLE_HELP.values():
        assert not any(help_text in row for row in rows) and legend.count(help_text) == 1
    assert [dialog.role.itemText(i) for i in range(dialog.role.count())] == ["Rep", "Marketing", "Manager", "Admin"]
    # The list is never wider than the dialog: no sideways scrolling.
    assert dialog.users.horizontalScrollBar().maximum() == 0


def test_no_service_path_adds_a_nameless_user(library):
    for name in ("", "   ", "\u200b\u200b", "—"):
        with pytest.raises(InvalidInput, match="A user needs a name"):
            library.users.ensure(name, "rep")
        with pytest.raises(InvalidInput, match="A user needs a name"):
            library.users.create(library.users.default_actor(), name, "rep")
    assert library.users.ensure("  Dana   New ", "rep").value.name == "Dana New"
