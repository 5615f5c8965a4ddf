"""scripts/bench.py: its load driver against a small server on the loopback address, its
percentiles, its Markdown table and its chart. (`make bench` itself runs the whole thing.)"""

from __future__ import annotations

import importlib.util
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.conf import settings
from django.test import SimpleTestCase

spec = importlib.util.spec_from_file_location("bench", settings.BASE_DIR / "scripts" / "bench.py")
bench = importlib.util.module_from_spec(spec)
sys.modules.setdefault("bench", bench)  # its dataclasses look their module up by name
spec.loader.exec_module(bench)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        status = (
            200 if self.headers.get("Cookie") == "sessionid=ok" or self.path == "/healthz" else 404
        )
        body = b"x" * 100
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class BenchScriptTests(SimpleTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=cls.server.serve_forever, daemon=True).start()
        cls.addClassCleanup(cls.server.server_close)
        cls.addClassCleanup(cls.server.shutdown)
        cls.port = cls.server.server_address[1]

    def test_the_driver_counts_requests_bytes_and_errors_per_user(self):
        ok = bench.drive(self.port, [{"url": "/page", "cookie": "ok"}], 2, 0.3)
        self.assertGreater(len(ok.times), 10)
        self.assertEqual(ok.errors, 0)
        self.assertEqual(ok.bytes, 100)
        self.assertGreater(ok.rps, 0)
        refused = bench.drive(self.port, [{"url": "/page", "cookie": "wrong"}], 1, 0.2)
        self.assertEqual(refused.errors, len(refused.times))

    def test_percentiles(self):
        sample = bench.Sample(times=[float(i) for i in range(1, 101)], seconds=1.0)
        self.assertEqual(sample.pct(0.5), 51.0)
        self.assertEqual(sample.pct(0.95), 95.0)
        self.assertEqual(sample.rps, 100.0)

    def test_the_table_and_chart_give_the_ratio_to_the_floor(self):
        run = {
            "pages": {
                bench.FLOOR: {"queries": 1},
                "coach: dashboard": {"queries": 18},
            },
            "results": {
                (bench.FLOOR, 1): bench.Sample(times=[2.0] * 20, seconds=1.0),
                ("coach: dashboard", 1): bench.Sample(times=[10.0] * 20, seconds=1.0, bytes=2048),
            },
        }
        lines = bench.table("sqlite", run, [1])
        self.assertIn("| coach: dashboard | 1 | 10.0 | 10.0 | 20 | 0 | 18 | 2.0 | 5.0 |", lines)
        svg = bench.chart({"sqlite": run}, [1])
        self.assertTrue(svg.startswith("<svg"))
        self.assertIn("5.0×", svg)
        self.assertIn("coach: dashboard — sqlite, 1 user(s)", svg)
