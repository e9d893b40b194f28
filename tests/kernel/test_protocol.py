"""Protocol tests of `scaling-lab kernel` beyond the conformance suite:
signatures, interrupts, errors, and a thousand executions without a leak."""
import json
import os
import time
import unittest

import zmq
from jupyter_client.manager import start_new_kernel
from jupyter_client.session import Session


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class ProtocolTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.km, cls.kc = start_new_kernel(kernel_name="scaling-lab")

    @classmethod
    def tearDownClass(cls):
        cls.kc.stop_channels()
        cls.km.shutdown_kernel(now=True)

    def run_cell(self, code, timeout=30):
        outputs = []
        reply = self.kc.execute_interactive(code, timeout=timeout, output_hook=outputs.append)
        return reply["content"], outputs

    def result_text(self, outputs):
        for m in outputs:
            if m["msg_type"] == "execute_result":
                return m["content"]["data"]["text/plain"]
        return None

    def test_a_badly_signed_message_is_refused_and_the_kernel_stays_up(self):
        info = self.km.get_connection_info()
        evil = Session(key=b"not-the-key", signature_scheme="hmac-sha256")
        ctx = zmq.Context.instance()
        sock = ctx.socket(zmq.DEALER)
        sock.connect(f"tcp://{info['ip']}:{info['shell_port']}")
        msg = evil.msg("execute_request", content={"code": "let hacked = 1;", "silent": False,
                                                    "store_history": True, "user_expressions": {},
                                                    "allow_stdin": False, "stop_on_error": True})
        evil.send(sock, msg)
        time.sleep(0.5)
        self.assertEqual(sock.poll(500), 0, "a badly signed request must get no reply")
        sock.close()
        content, outputs = self.run_cell("is_def_var(\"hacked\")")
        self.assertEqual(content["status"], "ok")
        self.assertEqual(self.result_text(outputs), "false")

    def test_interrupt_stops_an_infinite_loop_and_keeps_the_scope(self):
        self.run_cell("let kept = 42;")
        msg_id = self.kc.execute("loop { }")
        time.sleep(1.0)
        self.km.interrupt_kernel()
        reply = self.kc.get_shell_msg(timeout=20)
        self.assertEqual(reply["parent_header"]["msg_id"], msg_id)
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["ename"], "KeyboardInterrupt")
        content, outputs = self.run_cell("kept + 1")
        self.assertEqual(self.result_text(outputs), "43")

    def test_an_error_leaves_the_next_cell_working(self):
        content, outputs = self.run_cell("law(\"gopher\")")
        self.assertEqual(content["status"], "error")
        self.assertIn("unknown law 'gopher'", content["evalue"])
        content, outputs = self.run_cell("fmt(chinchilla_loss(70e9, 1.4e12), \".4f\")")
        self.assertEqual(self.result_text(outputs), "1.9366")

    def test_print_is_streamed_while_the_cell_runs(self):
        msg_id = self.kc.execute('print("first"); let t = 0; for i in 0..3000000 { t += 1; } print("last");')
        start = time.monotonic()
        first_at = None
        while True:
            msg = self.kc.get_iopub_msg(timeout=30)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "stream" and "first" in msg["content"]["text"] and first_at is None:
                first_at = time.monotonic() - start
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                break
        total = time.monotonic() - start
        self.assertIsNotNone(first_at)
        print(f"\nfirst output after {first_at:.3f} s of a {total:.3f} s cell")
        self.assertLess(first_at, total / 2, "print output must arrive before the cell ends")

    def test_cursor_positions_count_code_points(self):
        # "é" is two bytes and one code point: positions in the middle of a
        # character must not crash inspection or completion.
        for code, pos in [("é", 1), ("é", 0), ("→x", 2), ("chinchilla_loss(\"é", 17), ("日本語", 3)]:
            msg_id = self.kc.inspect(code, pos)
            reply = self.kc.get_shell_msg(timeout=10)
            self.assertEqual(reply["parent_header"]["msg_id"], msg_id)
            self.assertEqual(reply["content"]["status"], "ok")
            msg_id = self.kc.complete(code, pos)
            reply = self.kc.get_shell_msg(timeout=10)
            self.assertEqual(reply["parent_header"]["msg_id"], msg_id)
            self.assertEqual(reply["content"]["status"], "ok")
        msg_id = self.kc.complete("é + chinch", 10)
        reply = self.kc.get_shell_msg(timeout=10)
        self.assertEqual(reply["content"]["matches"], ["chinchilla_loss"])
        self.assertEqual((reply["content"]["cursor_start"], reply["content"]["cursor_end"]), (4, 10))
        content, outputs = self.run_cell("1 + 1")
        self.assertEqual(self.result_text(outputs), "2", "the interpreter still answers")

    def shell_reply(self, msg_type, content, timeout=10):
        """Send a request with any content, and read its reply."""
        msg = self.kc.session.msg(msg_type, content=content)
        self.kc.session.send(self.kc.shell_channel.socket, msg)
        while True:
            reply = self.kc.get_shell_msg(timeout=timeout)
            if reply["parent_header"].get("msg_id") == msg["header"]["msg_id"]:
                return reply

    def test_every_malformed_request_gets_an_error_reply(self):
        cases = []
        for cursor in [-1, 1.5, "3", 2**64, None]:
            for kind in ["complete_request", "inspect_request"]:
                content = {"code": "law(", "detail_level": 0}
                if cursor is not None:
                    content["cursor_pos"] = cursor
                cases.append((kind, content))
        cases += [
            ("history_request", {"output": False, "raw": True, "hist_access_type": "tail", "n": 2**31}),
            ("history_request", {"output": False, "raw": True, "hist_access_type": "tail", "n": 1.5}),
            ("history_request", {"output": False, "raw": True, "hist_access_type": "range",
                                 "session": 0, "start": 0, "stop": 1e12}),
            ("history_request", {"output": False, "raw": True, "hist_access_type": "sideways"}),
            ("execute_request", {"code": 5, "silent": False}),
            ("is_complete_request", {}),
        ]
        for kind, content in cases:
            reply = self.shell_reply(kind, content)
            self.assertEqual(reply["msg_type"], kind.replace("_request", "_reply"), (kind, content))
            if kind == "is_complete_request":
                # is_complete has no error status; "unknown" is its "cannot tell".
                self.assertEqual(reply["content"]["status"], "unknown", reply["content"])
                continue
            self.assertEqual(reply["content"]["status"], "error", (kind, content, reply["content"]))
            self.assertTrue(reply["content"].get("evalue"), (kind, content))
        content, outputs = self.run_cell("1 + 1")
        self.assertEqual(self.result_text(outputs), "2", "the kernel still answers")

    def test_a_replayed_message_is_not_run_again(self):
        self.run_cell("let replayed = 0;")
        info = self.km.get_connection_info()
        ctx = zmq.Context.instance()
        sock = ctx.socket(zmq.DEALER)
        sock.connect(f"tcp://{info['ip']}:{info['shell_port']}")
        session = self.kc.session
        msg = session.msg("execute_request", content={"code": "replayed += 1;", "silent": False,
                                                       "store_history": True, "user_expressions": {},
                                                       "allow_stdin": False, "stop_on_error": True})
        frames = session.serialize(msg)
        for _ in range(3):
            sock.send_multipart(frames)
        replies = 0
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            if sock.poll(200):
                sock.recv_multipart()
                replies += 1
        sock.close()
        self.assertEqual(replies, 1, "one reply, to the first copy only")
        content, outputs = self.run_cell("replayed")
        self.assertEqual(self.result_text(outputs), "1", "the cell ran once")

    def test_a_value_nested_too_deep_is_an_error_and_the_kernel_lives(self):
        content, outputs = self.run_cell("let m = #{}; for i in 0..3000 { m = #{a: [m]}; } m", timeout=60)
        self.assertEqual(content["status"], "ok", content)
        text = self.result_text(outputs)
        self.assertIn("…", text)
        self.assertLess(len(text), 1000)
        content, _ = self.run_cell("to_json(m)")
        self.assertEqual(content["status"], "error")
        self.assertIn("more than 64 levels", content["evalue"])
        content, outputs = self.run_cell("2 + 2")
        self.assertEqual(self.result_text(outputs), "4")

    def test_a_pathological_history_search_ends_and_execution_follows(self):
        self.run_cell("// " + "a" * (1 << 20))
        start = time.monotonic()
        reply = self.shell_reply("history_request", {
            "output": False, "raw": True, "hist_access_type": "search",
            "pattern": "*" + "a" * 50_000 + "b", "n": 10, "unique": False}, timeout=30)
        took = time.monotonic() - start
        self.assertIn(reply["content"]["status"], ["ok", "error"])
        content, outputs = self.run_cell("3 + 3")
        self.assertEqual(self.result_text(outputs), "6")
        print(f"\npathological history search answered in {took:.2f} s")
        self.assertLess(took, 10)

    def test_file_refusals_speak_of_the_notebook_folder(self):
        content, _ = self.run_cell('save_json(1, "/tmp/x.json")')
        self.assertEqual(content["status"], "error")
        self.assertNotIn("--out", content["evalue"])
        content, _ = self.run_cell('read_csv("/etc/passwd")')
        self.assertEqual(content["status"], "error")
        self.assertNotIn("--allow-read", content["evalue"])

    def test_a_thousand_executions_without_a_leak(self):
        pid = self.km.provisioner.pid
        self.run_cell("let t = arch_sweep();")
        for _ in range(50):
            self.run_cell("find_optimal_allocation(logspace(20, 26, 50)).len()")
        before = rss_kb(pid)
        for _ in range(1000):
            content, _ = self.run_cell("find_optimal_allocation(logspace(20, 26, 50)).len()")
            self.assertEqual(content["status"], "ok")
        after = rss_kb(pid)
        print(f"\nkernel RSS before {before} kB, after 1,000 executions {after} kB")
        self.assertLess(after - before, 20_000, f"RSS grew from {before} to {after} kB")


class ParentTests(unittest.TestCase):
    def test_the_kernel_exits_when_its_parent_dies(self):
        """Start the kernel from a short-lived parent (a shell that waits),
        kill the parent, and watch the kernel exit on its own."""
        import subprocess
        import tempfile
        import json as _json
        from jupyter_client.connect import write_connection_file
        from jupyter_client.kernelspec import KernelSpecManager

        spec = KernelSpecManager().get_kernel_spec("scaling-lab")
        exe = spec.argv[0]
        with tempfile.TemporaryDirectory() as d:
            cf = os.path.join(d, "k.json")
            write_connection_file(cf)
            parent = subprocess.Popen(
                ["sh", "-c", f'"{exe}" kernel --connection-file "{cf}" & echo $! > "{d}/pid"; wait'],
            )
            pid_file = os.path.join(d, "pid")
            def read_pid():
                if not os.path.exists(pid_file):
                    return ""
                with open(pid_file) as f:
                    return f.read().strip()

            for _ in range(50):
                if read_pid():
                    break
                time.sleep(0.1)
            kernel_pid = int(read_pid())
            time.sleep(1.0)
            self.assertTrue(os.path.exists(f"/proc/{kernel_pid}"), "the kernel started")
            parent.kill()
            parent.wait()
            gone = False
            for _ in range(50):
                time.sleep(0.1)
                try:
                    with open(f"/proc/{kernel_pid}/status") as f:
                        if "State:\tZ" in f.read():
                            gone = True
                            break
                except FileNotFoundError:
                    gone = True
                    break
            self.assertTrue(gone, "the kernel must exit within 5 s of its parent's death")


if __name__ == "__main__":
    unittest.main()
