"""The protocol loop and the per-request isolation shared by the adapters (standard library only)."""
import io
import json
import unittest

from helpers import exchange, ocular_stdio, request


class IsolatedBatchTests(unittest.TestCase):
    def test_a_failing_request_fails_alone_and_the_rest_of_its_batch_answers(self):
        calls = []

        def run(requests):
            calls.append([r["id"] for r in requests])
            if any(r["id"] == "bad" for r in requests):
                raise ValueError("cannot read image /x.png")
            return [("ok " + r["id"], None) for r in requests]

        results = ocular_stdio.isolated_batch(run)([{"id": "a"}, {"id": "bad"}, {"id": "c"}])
        self.assertEqual(results[0], ("ok a", None))
        self.assertIsInstance(results[1], ValueError)
        self.assertIn("/x.png", str(results[1]))
        self.assertEqual(results[2], ("ok c", None))
        self.assertEqual(calls, [["a", "bad", "c"], ["a"], ["bad"], ["c"]])

    def test_a_healthy_batch_is_one_call(self):
        calls = []

        def run(requests):
            calls.append(len(requests))
            return [("t", None)] * len(requests)

        self.assertEqual(len(ocular_stdio.isolated_batch(run)([{"id": i} for i in range(5)])), 5)
        self.assertEqual(calls, [5])

    def test_a_backend_returning_too_few_results_is_retried_one_by_one(self):
        def run(requests):
            return [("t", None)] if len(requests) > 1 else [("alone", None)]

        self.assertEqual(ocular_stdio.isolated_batch(run)([{"id": 1}, {"id": 2}]), [("alone", None)] * 2)


class ServeTests(unittest.TestCase):
    def run_serve(self, generate_batch, requests, max_batch=4):
        return exchange(lambda stdin, writer: ocular_stdio.serve(
            generate_batch, model="m", max_concurrency=8, max_batch=max_batch, batch_window=0.01, stdin=stdin,
            writer=writer), requests)

    def test_hello_then_one_response_per_request_with_usage_and_logprobs(self):
        def generate(requests):
            return [("text " + r["id"], {"completion_tokens": 2}, [-0.5, -1.25] if r["params"].get("logprobs")
                     else None) for r in requests]

        hello, responses = self.run_serve(generate, [request("a", logprobs=True), request("b")])
        self.assertEqual(hello, {"protocol": "ocular/1", "model": "m", "box_format": "norm1000",
                                 "max_concurrency": 8})
        self.assertEqual(responses["a"], {"id": "a", "text": "text a", "usage": {"completion_tokens": 2},
                                          "logprobs": [-0.5, -1.25]})
        self.assertNotIn("logprobs", responses["b"])

    def test_an_exception_result_is_an_error_for_its_request_only(self):
        def generate(requests):
            return [ValueError("boom") if r["id"] == "b" else ("fine", None) for r in requests]

        _, responses = self.run_serve(generate, [request("a"), request("b"), request("c")])
        self.assertEqual(responses["b"], {"id": "b", "error": "ValueError: boom"})
        self.assertEqual(responses["a"]["text"], "fine")
        self.assertEqual(responses["c"]["text"], "fine")

    def test_a_backend_that_returns_too_few_results_fails_the_batch_instead_of_dropping_requests(self):
        _, responses = self.run_serve(lambda requests: [("one", None)], [request("a"), request("b")], max_batch=2)
        self.assertEqual(set(responses), {"a", "b"})
        self.assertTrue(all("error" in r for r in responses.values()))

    def test_malformed_lines_are_skipped(self):
        stdin = io.StringIO("not json\n{\"no\": \"id\"}\n" + json.dumps(request("a")) + "\n")
        stdout = io.StringIO()
        ocular_stdio.serve(ocular_stdio.dry_run_batch, model="m", stdin=stdin,
                           writer=ocular_stdio.Writer(stream=stdout))
        lines = stdout.getvalue().splitlines()
        self.assertEqual(len(lines), 2)
        self.assertEqual(json.loads(lines[1])["id"], "a")


if __name__ == "__main__":
    unittest.main()
