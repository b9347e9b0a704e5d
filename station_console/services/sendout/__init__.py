"""The send-out counter (寄件), by step: `senders` and `identity` (who sends, real-name check),
`inspection` (the checklist), `weighing` (scale or typed), `tariff` + `regions` + `quote` (the price
and its working), `waybills` + `providers` (the number), `payments` (pay, refund), `accept` (one
transaction), `printouts` + `drawing` (receipt, waybill label, manifest: queued, then drawn),
`handover` (the courier's batch), `figures` (the day report's sends), `listing` (what the screens and
commands show), `retention` (the records' keep period: the privacy purge's part, a person's sends)."""
