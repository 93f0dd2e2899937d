"""A small HTTP server that speaks the OpenAI chat-completions API on loopback, for tests and demos.

It answers POST /v1/chat/completions with a scripted fault or a `responder(messages) -> text`.
The default responder writes a real answer in the format llm.py asks for: a curriculum.py exercise
renamed to the function the prompt requires, or a curriculum.py lesson, picked by a hash of the
prompt (so different prompts get different, runnable answers).

    srv = FakeOpenAI(faults=["429", "timeout", "malformed"])   # the first three requests fail so
    srv.start(); ...; srv.stop()                                 # srv.url = "http://127.0.0.1:PORT/v1"

Faults, consumed one per request in arrival order: "429" (Retry-After: srv.retry_after), "500",
"timeout" (sleeps srv.slow seconds before answering), "malformed" (200 with a body that is not
JSON), "nochoices" (200, JSON without `choices`), "drop" (closes the connection without a word).
`hold_after=K` makes request K+1 onwards wait until srv.release() (to kill a client mid-run).
Run as a script for a demo server: python tests/openai_server.py --port 8000
"""
import argparse
import hashlib
import json
import os
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import curriculum  # noqa: E402


def default_responder(messages):
    prompt = messages[-1]["content"]
    h = int(hashlib.sha256(prompt.encode()).hexdigest()[:8], 16)
    m = re.search(r"must be named `(\w+)`", prompt)
    if m:  # an exercise: a curriculum exercise with its function renamed to the one required
        ex = curriculum.make_exercise(h, 0)
        code, tests = ex["prompt"] + ex["solution"], ex["tests"].strip() + "\n"
        code, tests = (re.sub(rf"\b{ex['entry_point']}\b", m.group(1), s) for s in (code, tests))
        return f"```python\n{code}```\n\n```python\n{tests}```\n"
    return curriculum.make_textbook(h, 0)["text"]


class FakeOpenAI:
    def __init__(self, faults=(), responder=default_responder, api_key=None, retry_after="1",
                 slow=2.0, hold_after=None, port=0):
        self.faults, self.responder, self.api_key = list(faults), responder, api_key
        self.retry_after, self.slow, self.hold_after = retry_after, slow, hold_after
        self.lock = threading.Lock()
        self.answered = {}        # prompt text -> how many good answers it got
        self.requests = 0         # every request, faults included
        self.gate = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self.server.daemon_threads = True  # a held or slow handler must not block stop()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def start(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def release(self):
        self.gate.set()

    def stop(self):
        self.gate.set()
        self.server.shutdown()
        self.server.server_close()

    def _handler(self):
        srv = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def reply(self, code, body, headers=()):
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in headers:
                    self.send_header(k, v)
                try:
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up waiting (timeout test)
                    pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                with srv.lock:
                    srv.requests += 1
                if self.path != "/v1/chat/completions":
                    return self.reply(404, {"error": {"message": f"no route {self.path}"}})
                if srv.api_key and self.headers.get("Authorization") != f"Bearer {srv.api_key}":
                    return self.reply(401, {"error": {"message": "invalid api key"}})
                with srv.lock:
                    fault = srv.faults.pop(0) if srv.faults else None
                    hold = srv.hold_after is not None and sum(srv.answered.values()) >= srv.hold_after
                if hold:
                    srv.gate.wait()
                if fault == "429":
                    return self.reply(429, {"error": {"message": "rate limited"}}, [("Retry-After", srv.retry_after)])
                if fault == "500":
                    return self.reply(500, {"error": {"message": "internal error"}})
                if fault == "timeout":
                    time.sleep(srv.slow)
                if fault == "malformed":
                    return self.reply(200, b'{"choices": [{"message": {"content": "trunc')
                if fault == "nochoices":
                    return self.reply(200, {"object": "chat.completion", "usage": {}})
                if fault == "drop":
                    self.close_connection = True
                    return
                text = srv.responder(body["messages"])
                prompt = body["messages"][-1]["content"]
                with srv.lock:
                    srv.answered[prompt] = srv.answered.get(prompt, 0) + 1
                n_in = sum(len(m["content"].split()) for m in body["messages"])
                self.reply(200, {
                    "id": "chatcmpl-test", "object": "chat.completion", "model": body["model"],
                    "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                                 "finish_reason": "stop"}],
                    "usage": {"prompt_tokens": n_in, "completion_tokens": len(text.split()),
                              "total_tokens": n_in + len(text.split())}})

        return Handler


if __name__ == "__main__":
    p = argparse.ArgumentParser(description="a fake OpenAI-compatible server on 127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    a = p.parse_args()
    srv = FakeOpenAI(port=a.port)
    print(f"serving the OpenAI API at {srv.url} (Ctrl-C to stop)")
    srv.server.serve_forever()
