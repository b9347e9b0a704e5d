"""The udev rule that lets a non-root clerk account open a USB scanner or printer."""

from __future__ import annotations

from hardware.messages import N_, Message

RULES_PATH = "/etc/udev/rules.d/70-station-console.rules"
RELOAD = "sudo udevadm control --reload-rules && sudo udevadm trigger"


def udev_rule(vendor: int, product: int) -> str:
    """One line for the rules file; vendor and product as 4 lowercase hex digits, as udev compares them."""
    return (
        f'SUBSYSTEM=="usb", ATTRS{{idVendor}}=="{vendor:04x}", ATTRS{{idProduct}}=="{product:04x}", '
        f'MODE="0660", GROUP="plugdev"'
    )


def no_permission_message(vendor: int, product: int) -> str:
    return Message(
        N_(
            "No permission to open USB device {device}. Add this line to {path}:\n{rule}\n"
            "then run: {reload}; re-plug the device; the clerk's account must be in the plugdev group."
        ),
        device=f"{vendor:04x}:{product:04x}",
        path=RULES_PATH,
        rule=udev_rule(vendor, product),
        reload=RELOAD,
    )
