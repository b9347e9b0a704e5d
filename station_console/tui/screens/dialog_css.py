"""The one look of the console's pop-ups: `FormDialog`'s, `ConfirmDialog`'s, and other dialogs' too."""

# A reusable pop-up: its look travels with it (it opens from screens with their own style sheets). Other
# dialogs take the same layout into their own DEFAULT_CSS: a box no bigger than the screen, its head
# (`form-head`) and foot (`form-foot`: the buttons, or the field the dialog is for) docked, what lies
# between them scrolling.
DIALOG_CSS = """
FormDialog, ConfirmDialog { align: center middle; }
.form-dialog { width: 80; max-width: 100%; height: auto; max-height: 90%; border: thick $accent; background: $surface; padding: 1 2; }
.form-dialog.wide { width: 110; }
.form-dialog .dialog-title { text-style: bold; margin-bottom: 1; }
.form-head { dock: top; height: auto; }
.form-body { height: auto; max-height: 100%; }
.form-end { dock: bottom; height: auto; }
.form-note { color: $text-muted; margin-bottom: 1; }
.form-refused { display: none; margin-bottom: 1; }
.form-refused.-shown { display: block; }
.form-field { height: auto; }
.form-label { width: 30; padding: 1 1 0 0; }
.form-field Input, .form-field Select { width: 1fr; }
.confirm-body { height: auto; max-height: 24; border: round $panel; padding: 0 1; }
ConfirmDialog.-short .confirm-body { max-height: 100%; }
#confirm-table { height: auto; }
#confirm-table > Grid { grid-columns: auto 1fr 1fr; }
.form-foot { dock: bottom; height: auto; margin-top: 1; }
.confirm-buttons { height: auto; }
"""
