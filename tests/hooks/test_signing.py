"""hooks.signing: what a receiver checks, in constant time."""

from hooks.signing import sign, verify

SECRET = "whsec_test"
BODY = b'{"event":"case.created","id":"x"}'


def test_signature_is_sha256_hmac_over_timestamp_dot_body():
    import hashlib
    import hmac

    expected = hmac.new(SECRET.encode(), b"1700000000." + BODY, hashlib.sha256).hexdigest()
    assert sign(SECRET, 1700000000, BODY) == "sha256=" + expected


def test_a_signature_verifies_for_its_body_and_timestamp():
    signature = sign(SECRET, 1700000000, BODY)
    assert verify(SECRET, "1700000000", BODY, signature, now=1700000010)
    assert verify(SECRET, 1700000000, BODY.decode(), signature, now=1700000010)


def test_a_changed_body_timestamp_or_secret_does_not_verify():
    signature = sign(SECRET, 1700000000, BODY)
    assert not verify(SECRET, 1700000000, BODY + b" ", signature, now=1700000000)
    assert not verify(SECRET, 1700000001, BODY, signature, now=1700000000)
    assert not verify("whsec_other", 1700000000, BODY, signature, now=1700000000)
    assert not verify(SECRET, 1700000000, BODY, signature.removeprefix("sha256="), now=1700000000)


def test_an_old_timestamp_is_refused_as_a_replay_unless_tolerance_is_off():
    signature = sign(SECRET, 1700000000, BODY)
    assert not verify(SECRET, 1700000000, BODY, signature, now=1700000000 + 301)
    assert verify(SECRET, 1700000000, BODY, signature, now=1700000000 + 301, tolerance=None)


def test_a_malformed_timestamp_does_not_verify():
    assert not verify(SECRET, "yesterday", BODY, sign(SECRET, 1, BODY))
