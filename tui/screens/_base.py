"""What every namecards screen shares: the store, the app's clock, worker errors as notifications."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.worker import Worker, WorkerState


class NamecardsScreen(Screen):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", "Back", id="screen.back")]

    @property
    def store(self):
        return self.app.store

    def clock(self):
        return self.app.clock()

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        # Nothing under the dashboard to go back to.
        return not (action == "back" and len(self.app.screen_stack) <= 2)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # Slow work never crashes the app: its error becomes a notification.
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.notify(str(event.worker.error) or type(event.worker.error).__name__,
                        title="Something went wrong", severity="error", timeout=10)
