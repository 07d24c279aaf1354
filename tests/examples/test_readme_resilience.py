from naive_client import careful_chat  # your client: base_url -> the streamed text


def test_my_client_never_fails_silently(mockserver):
    report = mockserver.resilience(careful_chat, faults=["close(after=2, mode=clean)",
                                   "split(mode=every_byte)", "status(code=429)"], timeout=5)
    report.assert_no_silent_failures()  # ok, raised <Exception> or hang: never wrong text
