"""harness.py: starts a real pgherd process for the HTTP tests and talks to it.

Only the Python standard library is used, so the tests run on a bare
Debian 12 with python3. Each Server owns a temporary folder (SQLite file,
logs) and a free loopback port, and is stopped even when a test fails."""
import http.client
import sys
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # list of (name, value)
        self.body = body

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def all_headers(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    @property
    def text(self):
        return self.body.decode("utf-8")

    def json(self):
        return json.loads(self.body)


class Server:
    def __init__(self, binary, database=None, extra_env=None, args=()):
        self.dir = tempfile.mkdtemp(prefix="pgherd-http-")
        self.port = free_port()
        self.binary = os.path.abspath(binary)
        self.database = database or "sqlite:%s/pgherd.db" % self.dir
        self.env = dict(os.environ)
        self.env.update({
            "PGHERD_DATABASE": self.database,
            "PGHERD_LISTEN": "127.0.0.1:%d" % self.port,
            "PGHERD_THREADS": "2",
            "ASAN_OPTIONS": "detect_leaks=1:abort_on_error=0:exitcode=66",
            "UBSAN_OPTIONS": "print_stacktrace=1:halt_on_error=1",
        })
        self.env.update(extra_env or {})
        self.args = list(args)
        self.proc = None
        self.log_path = os.path.join(self.dir, "server.log")
        self.cookies = {}
        self.cookie_until = {}  # name: when its Max-Age runs out

    def run(self, *args, check=True):
        """Runs a pgherd subcommand with this server's settings."""
        p = subprocess.run([self.binary] + list(args), env=self.env, cwd=self.dir,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        heard(self.database)
        if check and p.returncode != 0:
            raise AssertionError("pgherd %s failed (%d): %s" % (" ".join(args), p.returncode,
                                                               p.stderr.decode()))
        return p

    def start(self):
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([self.binary, "serve"] + self.args, env=self.env, cwd=self.dir,
                                     stdout=self.log, stderr=self.log)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("pgherd exited at start:\n" + self.read_log())
            try:
                if self.get("/healthz").status in (200, 503):
                    RUNNING.append(self)
                    return self
            except OSError:
                time.sleep(0.05)
        raise AssertionError("pgherd did not start:\n" + self.read_log())

    def stop(self):
        """Stops the server; returns its exit code (66 when a sanitizer spoke)."""
        if self in RUNNING:
            RUNNING.remove(self)
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        code = self.proc.returncode if self.proc else 0
        if self.proc:
            self.log.close()
        return code

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def read_log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    # ---- HTTP ----
    def request(self, method, path, body=None, headers=None, keep_cookies=True):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
        h = {"Host": "127.0.0.1:%d" % self.port}
        for name in [k for k in self.cookies if self.cookie_until.get(k, float("inf")) <= time.time()]:
            del self.cookies[name]
        if self.cookies and keep_cookies:
            h["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        h.update(headers or {})
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        resp = Response(r.status, r.getheaders(), r.read())
        conn.close()
        if keep_cookies:
            for sc in resp.all_headers("Set-Cookie"):
                name, _, rest = sc.partition("=")
                self.cookies[name] = rest.split(";")[0]
                # As a browser keeps it: until its Max-Age runs out.
                self.cookie_until.pop(name, None)
                for attr in rest.split(";")[1:]:
                    k, _, v = attr.strip().partition("=")
                    if k.lower() == "max-age" and v.lstrip("-").isdigit():
                        self.cookie_until[name] = time.time() + int(v)
        return resp

    def get(self, path, headers=None, **kw):
        return self.request("GET", path, headers=headers, **kw)

    def post_form(self, path, fields, headers=None, **kw):
        h = {"Content-Type": "application/x-www-form-urlencoded"}
        h.update(headers or {})
        return self.request("POST", path, body=urllib.parse.urlencode(fields).encode(), headers=h, **kw)

    def post_multipart(self, path, fields, headers=None, **kw):
        boundary = "pgherdBoundary7MA4YWxkTrZu0gW"
        parts = []
        for k, v in fields.items():
            parts.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n"
                          % (boundary, k, v)).encode())
        body = b"".join(parts) + ("--%s--\r\n" % boundary).encode()
        h = {"Content-Type": "multipart/form-data; boundary=" + boundary}
        h.update(headers or {})
        return self.request("POST", path, body=body, headers=h, **kw)

    def raw(self, data, read_timeout=5, send_slowly=False):
        """Sends bytes as they are; returns the status line ('' if closed)."""
        s = socket.create_connection(("127.0.0.1", self.port))
        s.settimeout(read_timeout)
        out = b""
        try:
            if send_slowly:
                for i in range(0, len(data), 65536):
                    s.sendall(data[i:i + 65536])
                    s.setblocking(False)
                    try:
                        out += s.recv(65536)
                    except (BlockingIOError, OSError):
                        pass
                    s.setblocking(True)
                    s.settimeout(read_timeout)
                    if out:
                        break
            else:
                s.sendall(data)
            while b"\r\n" not in out:
                d = s.recv(65536)
                if not d:
                    break
                out += d
        except (socket.timeout, ConnectionResetError, BrokenPipeError):
            pass
        finally:
            s.close()
        return out.split(b"\r\n")[0].decode("latin-1")

    def csrf(self):
        """The CSRF token the server gave this client (a page sets it)."""
        if "csrf" not in self.cookies:
            self.get("/")
        return self.cookies["csrf"]


def run_suite(name, tests, env=None):
    """Runs tests (functions taking a Server) against a fresh server with the
    demo loaded; prints one line per test and 'N passed, N failed'."""
    import traceback
    binary = sys.argv[1]
    database = sys.argv[2] if len(sys.argv) > 2 else None
    engine = "postgres" if database else "sqlite"
    s = Server(binary, database=database, extra_env=env)
    passed = failed = 0
    try:
        s.run("demo")
        s.start()
        for t in tests:
            label = "%s [%s]" % (t.__name__, engine)
            try:
                t(s)
                passed += 1
                print("ok    " + label, flush=True)
            except Exception:
                failed += 1
                print("FAIL  " + label, flush=True)
                traceback.print_exc()
    finally:
        code = s.stop()
        if code != 0:
            failed += 1
            print("FAIL  server exited with %d (sanitizer report or crash):\n%s" % (code, s.read_log()[-6000:]))
        elif failed:
            log = s.read_log()
            # What went wrong may be far above the tail (a later test's
            # access lines push it out): the warnings and errors first.
            trouble = [l for l in log.splitlines() if " warn " in l or " error " in l]
            if trouble:
                print("---- server warnings and errors ----\n" + "\n".join(trouble[-40:]))
            print("---- server log (tail) ----\n" + log[-3000:])
        s.cleanup()
    print("%s [%s]: %d passed, %d failed" % (name, engine, passed, failed))
    return 1 if failed else 0


def raw_text(m):
    """A mail's decoded body parts, as bytes."""
    return b"".join(p.get_payload(decode=True) or b"" for p in m.walk() if not p.is_multipart())


class MailSink:
    """A real SMTP server (Debian's python3-aiosmtpd) writing a Maildir."""

    def __init__(self):
        import mailbox  # noqa: F401
        self.dir = tempfile.mkdtemp(prefix="pgherd-mail-")
        self.port = free_port()
        self.proc = subprocess.Popen(["/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l",
                                      "127.0.0.1:%d" % self.port, "-c", "aiosmtpd.handlers.Mailbox",
                                      os.path.join(self.dir, "Maildir")],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 15
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("the SMTP sink did not start")

    @property
    def url(self):
        return "smtp://127.0.0.1:%d" % self.port

    def messages(self, to=None, confirmations=False):
        """Mail to `to`. Every sign-up sends an address confirmation; those
        are left out unless confirmations=True, so a suite counting a
        member's tickets counts tickets."""
        import mailbox
        box = mailbox.Maildir(os.path.join(self.dir, "Maildir"), create=True)
        out = [m for m in box if to is None or to in m["To"]]
        return [m for m in out if confirmations or b"/account/verify/" not in raw_text(m)]

    def wait_for(self, to, count=1, timeout=30, confirmations=False):
        # Mail leaves through the outbox, after its transaction and at the
        # sender's pace: usually within a second, but a loaded machine
        # running the sanitizer build can take several. Waiting longer
        # costs nothing when the mail comes.
        deadline = time.time() + timeout
        got = []
        while time.time() < deadline:
            got = self.messages(to, confirmations)
            if len(got) >= count:
                return got
            time.sleep(0.1)
        raise AssertionError("no mail to %s within %d s (%d of %d)" % (to, timeout, len(got), count))

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)


# ---- what every suite shares: asserts, people, the database behind the
# server, the text of a mail ----

def assert_eq(got, want, what=""):
    if got != want:
        raise AssertionError("%s: expected %r, got %r" % (what, want, got))


def assert_in(needle, hay, what=""):
    if needle not in hay:
        raise AssertionError("%s: %r not found in %r" % (what, needle, hay[:400]))


class Person:
    """A browser of its own: its own cookies."""

    def __init__(self, s):
        self.s = s
        self.cookies = {}
        self.cookie_until = {}

    def req(self, method, path, fields=None, headers=None):
        saved = self.s.cookies, self.s.cookie_until
        self.s.cookies, self.s.cookie_until = self.cookies, self.cookie_until
        try:
            h = {"Origin": "http://127.0.0.1:%d" % self.s.port}
            h.update(headers or {})
            if fields is not None:
                if "_csrf" not in fields:
                    if "csrf" not in self.cookies and "__Host-csrf" not in self.cookies:
                        self.s.get("/login")
                    fields = dict(fields, _csrf=self.cookies.get("csrf") or self.cookies["__Host-csrf"])
                return self.s.post_form(path, fields, headers=h)
            return self.s.request(method, path, headers=h)
        finally:
            self.s.cookies, self.s.cookie_until = saved

    def get(self, path, headers=None):
        return self.req("GET", path, headers=headers)

    def post(self, path, fields, headers=None):
        return self.req("POST", path, fields, headers)

    def signup(self, email, name="测试会员", password="correct horse battery"):
        return self.post("/signup", {"consent": "1", "name": name, "email": email, "password": password})

    def login(self, email, password="correct horse battery", next_=""):
        return self.post("/login", {"email": email, "password": password, "next": next_})


def member(s, email, name="参会者"):
    """A new member, signed up and signed in."""
    p = Person(s)
    assert_eq(p.signup(email, name=name).status, 303)
    return p


def account(s, email, name, role="member"):
    """An account made with `pgherd user add` in a role, signed in."""
    import re
    out = s.run("user", "add", email, name, role).stdout.decode()
    p = Person(s)
    assert_eq(p.login(email, re.search(r"one-time password: (\S+)", out).group(1)).status, 303)
    return p


RUNNING = []  # the servers started and not yet stopped


def heard(database, timeout=20):
    """After a write behind the servers' backs on PostgreSQL: waits until
    every running server on that database has heard of it (pg_watch: a
    server hears another program's commit a moment after it; a person who
    reloads a page a moment later sees it, a test that reads at once must
    wait as long). Notifications arrive in the order of their commits, so
    once a server hears anything after the write, it has heard the write;
    the NOTIFY sent here makes sure there is something to hear."""
    if not database.startswith("postgres"):
        return
    waiting = []
    for srv in RUNNING:
        if srv.database != database or srv.proc.poll() is not None:
            continue
        w = srv.get("/healthz", keep_cookies=False).json().get("watch")
        if w and w["state"] == "listening":
            waiting.append((srv, w["heard"]))
    if not waiting:
        return
    subprocess.run(["psql", "-q", database, "-c", "NOTIFY pgherd_changed"], check=True, stdout=subprocess.DEVNULL)
    deadline = time.time() + timeout
    for srv, before in waiting:
        while srv.get("/healthz", keep_cookies=False).json().get("watch", {}).get("heard", before + 1) <= before:
            if time.time() > deadline:
                raise AssertionError("the server on port %d did not hear a commit in %d s" % (srv.port, timeout))
            time.sleep(0.01)


class beside:
    """A second server on s's database with settings of its own, for a
    test that compares the two or has them share work:
        with beside(s, {"PGHERD_SEARCH_MEMORY": "0"}) as other: ...
    It is stopped at the end, must have stopped cleanly, and leaves its
    log in .log."""

    def __init__(self, s, env):
        self.server = Server(s.binary, database=s.database, extra_env=env)
        self.log = ""

    def __enter__(self):
        self.server.start()
        return self.server

    def __exit__(self, kind, value, tb):
        code = self.server.stop()
        self.log = self.server.read_log()
        self.server.cleanup()
        if kind is None:
            assert_eq(code, 0, "the second server stopped cleanly")
        return False


def sql(s, statement):
    """Changes data behind the server's back, as another process would."""
    if s.database.startswith("postgres"):
        subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", s.database, "-c", statement], check=True,
                       stdout=subprocess.DEVNULL)
        heard(s.database)
    else:
        import sqlite3
        c = sqlite3.connect(s.database[len("sqlite:"):], timeout=10)
        c.execute(statement)
        c.commit()
        c.close()


def query(s, statement):
    """Rows (tuples of text) read (or written) behind the server's back."""
    if s.database.startswith("postgres"):
        out = subprocess.run(["psql", "-qAt", "-F", "|", s.database, "-c", statement], check=True,
                             stdout=subprocess.PIPE).stdout.decode()
        heard(s.database)  # it may have written
        return [tuple(line.split("|")) for line in out.splitlines() if line]
    import sqlite3
    c = sqlite3.connect(s.database[len("sqlite:"):], timeout=10)
    rows = [tuple("" if v is None else str(v) for v in row) for row in c.execute(statement)]
    c.commit()
    c.close()
    return rows


def mail_body(mail):
    """The plain text of a mail, whether it is one part or a MIME tree."""
    for part in mail.walk():
        if part.get_content_type() == "text/plain":
            return part.get_payload(decode=True).decode()
    raise AssertionError("no text/plain part")


def mail_text(mail):
    """A mail's subject (decoded) and plain text."""
    from email.header import decode_header, make_header
    return str(make_header(decode_header(mail["Subject"]))), mail_body(mail)
