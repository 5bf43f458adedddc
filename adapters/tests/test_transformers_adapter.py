"""The parts of transformers_adapter.py that need no torch: parameters, image size, call planning, lengths.

The model path itself (batched generate, per-row sampling, logprobs) runs for real in scripts/check_real_model.sh
on a tiny Qwen3-VL checkpoint.
"""
import os
import tempfile
import unittest

import helpers  # noqa: F401  (puts adapters/ on sys.path)
import transformers_adapter as adapter


class SamplingTests(unittest.TestCase):
    def test_missing_parameters_take_the_paper_defaults(self):
        sampling = adapter.Sampling({})
        self.assertEqual((sampling.temperature, sampling.top_p, sampling.max_tokens, sampling.seed),
                         (0.1, 0.001, 8192, 0))
        self.assertFalse(sampling.wants_logprobs)
        self.assertIsNone(sampling.min_pixels)
        self.assertFalse(sampling.is_greedy)

    def test_sent_parameters_win_and_temperature_zero_is_greedy(self):
        sampling = adapter.Sampling({"temperature": 0, "top_p": 1, "max_tokens": 24, "seed": 7, "logprobs": True,
                                     "min_pixels": 102400})
        self.assertTrue(sampling.is_greedy)
        self.assertEqual((sampling.top_p, sampling.max_tokens, sampling.seed, sampling.min_pixels), (1.0, 24, 7,
                                                                                                    102400))
        self.assertTrue(sampling.wants_logprobs)

    def test_invalid_parameters_are_refused(self):
        for params in ({"max_tokens": 0}, {"top_p": 0}, {"top_p": 1.5}, {"temperature": -1}, {"seed": "x"}):
            with self.assertRaises((ValueError, TypeError), msg=params):
                adapter.Sampling(params)

    def test_requests_that_differ_only_in_seed_or_temperature_share_a_call(self):
        a = adapter.Sampling({"seed": 0, "temperature": 0.7})
        b = adapter.Sampling({"seed": 1, "temperature": 0.1, "top_p": 0.5})
        self.assertEqual(a.call_key(), b.call_key())
        self.assertNotEqual(a.call_key(), adapter.Sampling({"min_pixels": 102400}).call_key())
        self.assertNotEqual(a.call_key(), adapter.Sampling({"max_tokens": 24}).call_key())


class PlanTests(unittest.TestCase):
    def test_calls_group_by_key_keep_arrival_order_and_respect_the_batch_size(self):
        samplings = [adapter.Sampling({"seed": s}) for s in range(5)]
        samplings.insert(2, adapter.Sampling({"min_pixels": 102400}))
        samplings.insert(3, None)  # a request whose params were refused
        self.assertEqual(adapter.plan_calls(samplings, 2), [[0, 1], [4, 5], [6], [2]])
        self.assertEqual(adapter.plan_calls(samplings, 8), [[0, 1, 4, 5, 6], [2]])


class ImageSizeTests(unittest.TestCase):
    def test_size_is_the_min_and_max_pixel_area(self):
        self.assertEqual(adapter.image_size_setting(None, 1048576, 65536),
                         {"shortest_edge": 65536, "longest_edge": 1048576})
        self.assertEqual(adapter.image_size_setting(102400, 1048576, 65536),
                         {"shortest_edge": 102400, "longest_edge": 1048576})
        self.assertEqual(adapter.image_size_setting(4000000, 1048576, 65536),
                         {"shortest_edge": 1048576, "longest_edge": 1048576})


class CompletionLengthTests(unittest.TestCase):
    def test_a_row_ends_at_its_first_stop_token_inclusive_or_at_its_own_limit(self):
        self.assertEqual(adapter.completion_length([5, 6, 9, 0, 0], {9}, 10), 3)
        self.assertEqual(adapter.completion_length([5, 6, 7, 8], {9}, 10), 4)
        self.assertEqual(adapter.completion_length([5, 6, 7, 8], {9}, 2), 2)


class ImageLoadingTests(unittest.TestCase):
    def test_an_unreadable_image_raises_naming_the_file(self):
        try:
            import PIL  # noqa: F401
        except ImportError:
            self.skipTest("Pillow is not installed for this python")
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "broken.png")
            with open(path, "wb") as handle:
                handle.write(b"not an image")
            with self.assertRaises(ValueError) as raised:
                adapter.load_image(path)
            self.assertIn(path, str(raised.exception))


if __name__ == "__main__":
    unittest.main()
