"""Which actions are available now, and why not: the one policy the window's actions follow.

An action is available when the acting person's role allows it (``permissions.can``, the one
role policy) and, on a team library, when what it changes can be written now: a rep's own
use and requests go to the laptop's copy and its outbox and work offline; everything else
(marketing edits, imports, tagging, publishing, kits, reports, user admin) is the team
server's, so while the server does not answer those actions are disabled and say why on
hover, and they come back by themselves when it answers again.

Pages do not decide this themselves: they hand their buttons and actions to ``govern`` with
the permission they need, and set what their own state allows through ``enable`` instead of
``setEnabled``. The team link tells the policy when the server answers (``set_online``).

Dialogs already open when the link changes follow it too, with no code of their own: the
policy finds the open dialogs of the windows it ``watch``es and governs their acting buttons
(the OK/Save/Yes of a button box, ``ok_button``, or what ``acting_buttons()`` lists) with the
permission the dialog declares as ``needs`` (or the nearest governed widget it was opened
from). Only the buttons wait, so nothing typed is lost; a dialog enabling its own button
meanwhile is held back until the server answers again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterator, Optional, Union, cast

import shiboken6
from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QAbstractButton, QApplication, QDialog, QDialogButtonBox, QMessageBox,
                               QWidget)

from enablement.models.dto import Actor
from enablement.services.permissions import Permission, can

OFFLINE_REASON = "Needs the team server — you are offline."

# What a laptop's copy takes while the server does not answer (written with an outbox entry,
# sent at the next sync). Reading, searching, previewing cached files and exporting need no
# permission and are never governed.
WORKS_OFFLINE: frozenset[Permission] = frozenset({Permission.LOG_USE, Permission.REQUEST, Permission.KITS,
                                                 Permission.SUBMIT_REP_PIECE})

Target = Union[QAction, QWidget]
_ACTING_ROLES = (QDialogButtonBox.ButtonRole.AcceptRole, QDialogButtonBox.ButtonRole.YesRole,
                 QDialogButtonBox.ButtonRole.ApplyRole)
_UNGOVERNED = object()  # a dialog that declares nothing and was opened from nothing governed


def needs_server(permission: Optional[Permission]) -> bool:
    """Whether an action needing ``permission`` can only be done with the team server."""
    return permission not in WORKS_OFFLINE


@dataclass
class _Governed:
    target: Target
    permission: Optional[Permission]
    server: bool  # needs the team server
    wanted: bool  # what the page's own state allows
    tip: str  # the target's own tooltip, shown while it is available


class ActionPolicy(QObject):
    """The availability of every governed action, for one window's acting person and link."""

    changed = Signal()  # the link or the person changed: ``allowed``/``reason`` may answer otherwise

    def __init__(self, actor: Actor, team: bool, online: bool = True, parent: Optional[QObject] = None) -> None:
        super().__init__(parent)
        self.actor = actor
        self.team = team
        self.online = online or not team
        self._governed: list[_Governed] = []
        self._windows: list[QWidget] = []

    # --- the decision -------------------------------------------------------------------------
    def reason(self, permission: Optional[Permission], server: Optional[bool] = None) -> str:
        """Why an action needing ``permission`` is not available now ('' when it is)."""
        if permission is not None and not can(self.actor, permission):
            return f"Your role ({self.actor.role}) may not {permission.value}."
        if server is None:
            server = needs_server(permission)
        if server and not self.online:
            return OFFLINE_REASON
        return ""

    def allowed(self, permission: Optional[Permission], server: Optional[bool] = None) -> bool:
        return not self.reason(permission, server)

    # --- what changes it ----------------------------------------------------------------------
    def set_online(self, online: bool) -> None:
        online = online or not self.team
        if online != self.online:
            self.online = online
            self._apply_all()

    def set_actor(self, actor: Actor) -> None:
        self.actor = actor
        self._apply_all()

    # --- the governed actions -----------------------------------------------------------------
    def govern(self, target: Target, permission: Optional[Permission], *, server: Optional[bool] = None,
               enabled: Optional[bool] = None) -> Target:
        """Keep ``target`` available only while the policy allows ``permission`` (and the
        server when the action needs it: by default every permission but the rep's own
        use and requests). ``enabled``: what the page's state allows (default: as it is)."""
        entry = self._entry(target)
        if entry is None:
            self._governed = [e for e in self._governed if shiboken6.isValid(e.target)]
            entry = _Governed(target, permission, needs_server(permission) if server is None else server,
                              target.isEnabled() if enabled is None else enabled, target.toolTip())
            self._governed.append(entry)
        else:
            entry.permission = permission
            entry.server = needs_server(permission) if server is None else server
            if enabled is not None:
                entry.wanted = enabled
        self._apply(entry)
        return target

    def enable(self, target: Target, enabled: bool) -> None:
        """What the page's own state allows for a governed target (its ``setEnabled``)."""
        self._own(target, "wanted", enabled, target.setEnabled)

    def set_tip(self, target: Target, tip: str) -> None:
        """The target's own tooltip (shown while the policy allows it)."""
        self._own(target, "tip", tip, target.setToolTip)

    def _own(self, target: Target, field: str, value: object, directly: Callable[[Any], None]) -> None:
        """The target's own wish: kept on its entry (and applied through the policy) when it is
        governed, else set on it directly."""
        entry = self._entry(target)
        if entry is None:
            directly(value)
            return
        setattr(entry, field, value)
        self._apply(entry)

    def _entry(self, target: Target) -> Optional[_Governed]:
        return next((e for e in self._governed if e.target is target), None)

    def _apply(self, entry: _Governed) -> None:
        why = self.reason(entry.permission, entry.server)
        entry.target.setEnabled(entry.wanted and not why)
        entry.target.setToolTip(why or entry.tip)
        if isinstance(entry.target, QWidget) and not entry.target.isEnabled():
            # Qt disables the dialogs open over a disabled page with it: they stay usable
            # (typing, Cancel) and only their acting buttons, governed, wait
            for dialog in entry.target.findChildren(QDialog):
                if dialog.isWindow() and dialog.isVisible() and self._governs_dialog(dialog):
                    dialog.setEnabled(True)

    def _apply_all(self) -> None:
        self._governed = [e for e in self._governed if shiboken6.isValid(e.target)]  # closed dialogs' buttons go
        for dialog in self._open_dialogs():
            self.govern_dialog(dialog)
        for entry in self._governed:
            self._apply(entry)
        self.changed.emit()

    # --- dialogs ------------------------------------------------------------------------------
    def watch(self, window: QWidget) -> None:
        """The dialogs open in ``window`` (and in dialogs opened from it) follow the policy."""
        if window not in self._windows:
            self._windows.append(window)

    def govern_dialog(self, dialog: QDialog) -> None:
        """Govern the acting buttons of ``dialog`` by what it needs (see the module's doc)."""
        permission = self._needs(dialog)
        if permission is _UNGOVERNED:
            return
        needs = cast(Optional[Permission], permission)
        for button in acting_buttons(dialog):
            if self._entry(button) is None:
                button.installEventFilter(self)  # the dialog's own setEnabled is held back while unavailable
                self.govern(button, needs)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.EnabledChange and isinstance(watched, QWidget) and watched.isEnabled():
            entry = self._entry(watched)
            if entry is not None and self.reason(entry.permission, entry.server):
                entry.wanted = True  # what the dialog asked for, given back when the server answers
                watched.setEnabled(False)
        return False

    def _governs_dialog(self, dialog: QDialog) -> bool:
        return any(self._entry(button) is not None for button in acting_buttons(dialog))

    def _needs(self, dialog: QDialog) -> object:
        """The permission ``dialog`` declares, else that of the nearest governed widget (or
        declaring dialog) it was opened from; ``_UNGOVERNED`` when there is none."""
        widget: Optional[QWidget] = dialog
        while widget is not None:
            declared = getattr(widget, "needs", None)
            if isinstance(declared, Permission):
                return declared
            entry = self._entry(widget) if widget is not dialog else None
            if entry is not None:
                return entry.permission
            widget = widget.parentWidget()
        return _UNGOVERNED

    def _open_dialogs(self) -> Iterator[QDialog]:
        windows = [w for w in self._windows if shiboken6.isValid(w)]
        self._windows = windows
        for top in QApplication.topLevelWidgets():
            if isinstance(top, QDialog) and top.isVisible() and _opened_from(top, windows):
                yield top


def acting_buttons(dialog: QDialog) -> list[QAbstractButton]:
    """The buttons of ``dialog`` that act (save, send, publish), not those that cancel or close."""
    listed = getattr(dialog, "acting_buttons", None)
    if callable(listed):
        return list(listed())
    found: list[QAbstractButton] = []
    if isinstance(dialog, QMessageBox):
        found = [b for b in dialog.buttons() if dialog.buttonRole(b) in
                 (QMessageBox.ButtonRole.AcceptRole, QMessageBox.ButtonRole.YesRole)]
    for box in dialog.findChildren(QDialogButtonBox):
        found += [b for b in box.buttons() if box.buttonRole(b) in _ACTING_ROLES]
    ok = getattr(dialog, "ok_button", None)
    if isinstance(ok, QAbstractButton) and ok not in found:
        found.append(ok)
    return found


def _opened_from(dialog: QWidget, windows: list[QWidget]) -> bool:
    widget = dialog.parentWidget()
    while widget is not None:
        if widget in windows:
            return True
        widget = widget.parentWidget()
    return False
