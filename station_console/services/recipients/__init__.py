"""Recipients: the directory (import, edit), matching a parcel to a person, consent and delivery choice."""
