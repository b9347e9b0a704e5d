from datetime import datetime

from sqlmodel import Field, SQLModel

from db.types import UTCDateTime


class Clerk(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64, unique=True)
    role: str = Field(default="clerk", max_length=16)  # db.models.Role
    pin_hash: str = Field(default="", max_length=256)  # scrypt, never the PIN
    active: bool = True
    created_at: datetime = Field(sa_type=UTCDateTime)
    last_sign_in_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Guessing PINs: wrong PINs since the last good sign-in, how many times the clerk was locked out
    # since a manager last unlocked them (each lock lasts longer), and until when.
    failed_sign_ins: int = 0
    lockouts: int = 0
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
