from django.test import RequestFactory, SimpleTestCase, override_settings

from bearing.lib.net import client_ip


def request(remote="203.0.113.5", forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


class ClientAddressTests(SimpleTestCase):
    def test_without_trusted_proxies_the_header_is_ignored(self):
        self.assertEqual(client_ip(request(forwarded="198.51.100.1")), "203.0.113.5")

    @override_settings(TRUSTED_PROXIES=["10.0.0.0/8", "2001:db8::1"])
    def test_behind_trusted_proxies_the_nearest_untrusted_hop_is_the_client(self):
        cases = [
            (request("10.0.0.1", "198.51.100.1"), "198.51.100.1"),
            # The client may put anything on the left; only the hop our proxy saw counts.
            (request("10.0.0.1", "1.2.3.4, 198.51.100.1"), "198.51.100.1"),
            (request("10.0.0.1", "198.51.100.1, 10.2.3.4"), "198.51.100.1"),
            (request("2001:db8::1", "2001:db8::99"), "2001:db8::99"),
            # No header, or only proxies in it: the connecting proxy.
            (request("10.0.0.1"), "10.0.0.1"),
            (request("10.0.0.1", "10.9.9.9"), "10.0.0.1"),
            # A malformed hop stops the walk.
            (request("10.0.0.1", "198.51.100.1, not-an-ip"), "10.0.0.1"),
        ]
        for req, expected in cases:
            with self.subTest(forwarded=req.META.get("HTTP_X_FORWARDED_FOR")):
                self.assertEqual(client_ip(req), expected)

    @override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
    def test_a_sender_outside_the_trusted_proxies_cannot_choose_its_address(self):
        self.assertEqual(client_ip(request("203.0.113.5", "10.0.0.1")), "203.0.113.5")

    def test_no_request_or_a_bad_remote_address(self):
        self.assertIsNone(client_ip(None))
        self.assertIsNone(client_ip(request("")))
