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


if __name__ == "__main__":
    unittest.main()
