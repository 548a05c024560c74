#!/usr/bin/env python3
"""A local OAuth 2.0 token endpoint for the cluster test's throwaway Google
credentials: answers every POST with a bearer token, so that google.auth's
standard credentials (a throwaway service-account key whose token_uri points
here) refresh without reaching Google. fake-gcs-server ignores the token. Listens on 127.0.0.1 only.

  token_server.py PORT_FILE      binds a free port, writes it to PORT_FILE, serves until killed
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = json.dumps({"access_token": "cluster-test-token", "token_type": "Bearer",
                           "expires_in": 3600, "scope": "https://www.googleapis.com/auth/cloud-platform"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        sys.stderr.write("token request: " + fmt % args + "\n")


server = HTTPServer(("127.0.0.1", 0), Handler)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
import os  # noqa: E402
os.replace(sys.argv[1] + ".tmp", sys.argv[1])
server.serve_forever()
