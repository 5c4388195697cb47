"""Values kept in Redis sealed under a key derived from the server's secret (``HARIS_SECRET_KEY``).

Used for the console accounts' TOTP secrets (``server.storage.users``): in the clear, a Redis
dump, a replica or an AOF/RDB backup alone gave every account's second factor. Sealed, such a
copy holds ciphertexts that are useless without the server's secret; with the secret too (a
seized server, its environment and its Redis), they are readable: this protects backups and
Redis-only leaks, not a whole seized server (docs/privacy.md).

AES-256-GCM (``cryptography``'s AEAD) under a key made from the secret by HKDF-SHA256, with a
``purpose`` of its own, so the key is never the secret itself nor another use's key. Each value
is bound to what it belongs to (the associated data: for a TOTP secret, the account), so a
ciphertext copied from one account's record to another's does not open there.

Stored form: ``v1:<key id>:<base64url of 12-byte nonce + ciphertext + tag>``. The key id (8 hex
digits of an HMAC of the derived key) names the secret a value was sealed under: after the secret
is rotated, values sealed under a previous one (``HARIS_SECRET_KEY_FALLBACKS``) still open, and
their owner re-seals them under the current one (:attr:`Opened.stale`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

VERSION = "v1"
NONCE_BYTES = 12  # GCM's standard nonce, random per value: a few values per account, never 2^32


class Unreadable(ValueError):
    """A sealed value that no key of this server opens (sealed under a secret it no longer has,
    bound to something else, or altered)."""


@dataclass(frozen=True)
class Opened:
    value: str
    stale: bool  # in the clear, or sealed under a previous secret: to be sealed again


def is_sealed(stored: str) -> bool:
    """Whether ``stored`` is in the sealed form (a value in the clear never has a colon: TOTP
    secrets are base32)."""
    return stored.startswith(VERSION + ":")


@dataclass(frozen=True)
class _Key:
    id: str
    aead: AESGCM


def _derive(secret: bytes, purpose: bytes) -> _Key:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"haris sealed " + purpose).derive(secret)
    key_id = hmac.new(key, b"key id", hashlib.sha256).hexdigest()[:8]
    return _Key(key_id, AESGCM(key))


class Sealer:
    """Seals under the current secret's key; opens under it or a previous secret's."""

    def __init__(self, secret: bytes, purpose: bytes, previous: Sequence[bytes] = ()) -> None:
        self._current = _derive(secret, purpose)
        self._keys = {self._current.id: self._current}
        for old in previous:
            self._keys.setdefault(_derive(old, purpose).id, _derive(old, purpose))

    def seal(self, value: str, bound_to: bytes) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._current.aead.encrypt(nonce, value.encode(), bound_to)
        return f"{VERSION}:{self._current.id}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def open(self, stored: str, bound_to: bytes) -> Opened:
        """The value ``stored`` holds; in the clear (written before values were sealed), as it
        is, marked stale. :class:`Unreadable` when no key opens it for ``bound_to``."""
        if not is_sealed(stored):
            return Opened(stored, stale=True)
        _, key_id, text = [*stored.split(":", 2), "", ""][:3]
        key = self._keys.get(key_id)
        if key is None:
            raise Unreadable(f"sealed under a secret this server does not have (key {key_id})")
        try:
            raw = base64.urlsafe_b64decode(text.encode())
            value = key.aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], bound_to)
        except (InvalidTag, binascii.Error, ValueError):
            raise Unreadable("altered, or bound to something else") from None
        return Opened(value.decode(), stale=key is not self._current)
