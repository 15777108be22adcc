"""Password hashing (argon2id, argon2-cffi's defaults: RFC 9106's second recommended
parameter set)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..errors import AccountError

MIN_LENGTH = 12
MAX_LENGTH = 1024
_hasher = PasswordHasher()


def check_strength(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise AccountError(f"the password is too short: at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise AccountError(f"the password is too long: at most {MAX_LENGTH} characters")
    if len(set(password)) < 4:
        raise AccountError("the password repeats too few characters: use a passphrase")


def hash_password(password: str) -> str:
    check_strength(password)
    return _hasher.hash(password)


def verify_password(stored: str, password: str) -> bool:
    if len(password) > MAX_LENGTH:
        return False
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


# verified when the name is unknown, so that a wrong name takes as long as a wrong password
DUMMY_HASH = _hasher.hash("bibobscan-no-such-account")
