"""The Jupyter project's kernel conformance suite (jupyter_kernel_test)
against `scaling-lab kernel`, with every sample set so that no check is
skipped. Run: python -m unittest tests/kernel/test_conformance.py"""
import unittest

import jupyter_kernel_test as jkt


class ScalingLabKernelTests(jkt.KernelTests):
    kernel_name = "scaling-lab"
    language_name = "rhai"
    file_extension = ".rhai"

    code_hello_world = 'print("hello, world")'
    code_stderr = 'eprint("a warning")'
    completion_samples = [
        {"text": "chinch", "matches": {"chinchilla_loss"}},
        {"text": "find_opt", "matches": {"find_optimal_allocation"}},
    ]
    complete_code_samples = ["1 + 1", "let x = 5;", "fn f(x) {\n x * 2\n}"]
    incomplete_code_samples = ["fn f(x) {", "let a = [1, 2,", "chinchilla_loss(70e9,"]
    invalid_code_samples = ["x)", "let = 5;"]
    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": "fmt_si(1.4e12)", "result": "1.40T"},
    ]
    code_display_data = [
        {"code": "display(plot([1, 2, 3], [1, 4, 9]))", "mime": "image/png"},
        {"code": "display(arch_sweep().head(2))", "mime": "text/html"},
        {"code": "display(law(\"chinchilla\"))", "mime": "text/markdown"},
    ]
    code_inspect_sample = "chinchilla_loss"
    code_generate_error = "chinchilla_loss(-1, 1e12)"
    code_clear_output = "clear_output()"
    supported_history_operations = ("tail", "range", "search")
    code_history_pattern = "6 *"
    code_page_something = "?chinchilla_loss"


if __name__ == "__main__":
    unittest.main()
