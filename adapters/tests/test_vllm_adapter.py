"""vllm_adapter.py against a fake `vllm` module that checks requests the way vLLM's documented API reads them.

vLLM needs CUDA and cannot run on the machines these tests run on. The fake follows vLLM's documented contract:
`LLM(..., allowed_local_media_path=DIR)` lets llm.chat read `file://` image URLs (decoded with url2pathname) only
below DIR, else it raises; one unreadable image makes the whole llm.chat call raise; `SamplingParams(logprobs=0)`
returns, per generated token, a {token_id: Logprob} dict holding the sampled token.
"""
import os
import sys
import tempfile
import types
import unittest
import urllib.parse
import urllib.request

from helpers import exchange, request

import vllm_adapter


class FakeLogprob:
    def __init__(self, logprob):
        self.logprob = logprob
        self.rank = 1
        self.decoded_token = "x"


class FakeSamplingParams:
    def __init__(self, **kwargs):
        self.kwargs = kwargs


class FakeLLM:
    instances = []

    def __init__(self, model, **kwargs):
        self.model = model
        self.kwargs = kwargs
        self.calls = []
        FakeLLM.instances.append(self)

    def read_image(self, url):
        parsed = urllib.parse.urlparse(url)
        if parsed.scheme != "file":
            raise ValueError("unsupported URL %s" % url)
        allowed = self.kwargs.get("allowed_local_media_path") or ""
        if not allowed:
            raise RuntimeError("Cannot load local files without `--allowed-local-media-path`.")
        path = os.path.realpath(urllib.request.url2pathname(parsed.path))
        if not (path + os.sep).startswith(os.path.join(os.path.realpath(allowed), "")):
            raise ValueError("The file path %s must be a subpath of `--allowed-local-media-path` %s." % (path, allowed))
        with open(path, "rb") as handle:
            return handle.read()

    def chat(self, messages, sampling_params, use_tqdm=True, chat_template_kwargs=None, mm_processor_kwargs=None):
        self.calls.append({"messages": messages, "params": [p.kwargs for p in sampling_params],
                           "mm_processor_kwargs": mm_processor_kwargs,
                           "chat_template_kwargs": chat_template_kwargs})
        outputs = []
        for conversation, params in zip(messages, sampling_params):
            images = []
            for message in conversation:
                if message["role"] == "system":
                    assert isinstance(message["content"], str), "system content must be a string"
                    continue
                for part in message["content"]:
                    assert part["type"] in ("text", "image_url"), part
                    if part["type"] == "image_url":
                        images.append(self.read_image(part["image_url"]["url"]))
            tokens = [11, 12, 13]
            logprobs = None
            if params.kwargs.get("logprobs") is not None:
                logprobs = [{token: FakeLogprob(-0.25 * (i + 1))} for i, token in enumerate(tokens)]
            completion = types.SimpleNamespace(text="answer with %d image(s), seed %s" % (
                len(images), params.kwargs["seed"]), token_ids=tokens, logprobs=logprobs)
            outputs.append(types.SimpleNamespace(prompt_token_ids=[1] * 40, outputs=[completion]))
        return outputs


class VllmAdapterTests(unittest.TestCase):
    def setUp(self):
        FakeLLM.instances.clear()
        self.fake = types.ModuleType("vllm")
        self.fake.LLM = FakeLLM
        self.fake.SamplingParams = FakeSamplingParams
        self.saved = sys.modules.get("vllm")
        sys.modules["vllm"] = self.fake
        self.folder = tempfile.TemporaryDirectory()
        self.addCleanup(self.folder.cleanup)

    def tearDown(self):
        if self.saved is None:
            sys.modules.pop("vllm", None)
        else:
            sys.modules["vllm"] = self.saved

    def image(self, name):
        path = os.path.join(self.folder.name, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(b"\x89PNG\r\n\x1a\n")
        return path

    def run_adapter(self, requests, *extra):
        return exchange(lambda stdin, writer: vllm_adapter.main(["--model", "/ckpt/m", *extra], stdin=stdin,
                                                                writer=writer), requests)

    def test_file_uris_are_percent_encoded_and_decode_back_to_the_path(self):
        for name in ["a b.png", "x#1.png", "what?.png", "100%.png", "é/ü.png"]:
            path = self.image(name)
            uri = vllm_adapter.file_uri(path)
            self.assertTrue(uri.startswith("file:///"), uri)
            for character in " #?":
                self.assertNotIn(character, uri[len("file://"):])
            self.assertEqual(urllib.request.url2pathname(urllib.parse.urlparse(uri).path), path)

    def test_local_images_load_under_the_default_allowed_path(self):
        paths = [self.image("dir #1/a?.png"), self.image("dir #1/b 100%.png")]
        hello, responses = self.run_adapter([request("r1", paths, system="Be brief.", seed=3)])
        self.assertEqual(hello["model"], "m")
        self.assertEqual(FakeLLM.instances[0].kwargs["allowed_local_media_path"], "/")
        self.assertEqual(responses["r1"]["text"], "answer with 2 image(s), seed 3")
        messages = FakeLLM.instances[0].calls[0]["messages"][0]
        self.assertEqual(messages[0], {"role": "system", "content": "Be brief."})
        self.assertEqual([part["type"] for part in messages[1]["content"]], ["image_url", "image_url", "text"])

    def test_an_image_outside_the_allowed_path_fails_only_its_request(self):
        inside = self.image("inside/a.png")
        outside = self.image("outside/b.png")
        _, responses = self.run_adapter(
            [request("ok1", [inside]), request("bad", [outside]), request("ok2", [inside])],
            "--allowed-local-media-path", os.path.dirname(inside))
        self.assertIn("text", responses["ok1"])
        self.assertIn("text", responses["ok2"])
        self.assertIn("subpath", responses["bad"]["error"])
        calls = FakeLLM.instances[0].calls
        self.assertEqual([len(call["messages"]) for call in calls], [3, 1, 1, 1])

    def test_an_unreadable_image_fails_alone_and_the_batch_is_retried_request_by_request(self):
        good = self.image("good.png")
        _, responses = self.run_adapter([request("a", [good]), request("b", ["/no/such/file.png"]),
                                         request("c", [good])])
        self.assertEqual(sorted(k for k, v in responses.items() if "text" in v), ["a", "c"])
        self.assertIn("file.png", responses["b"]["error"])

    def test_only_the_sent_sampling_parameters_apply_and_repeats_get_their_seeds(self):
        good = self.image("good.png")
        self.run_adapter([request("r0", [good], temperature=0.7, top_p=0.95, max_tokens=24, seed=5),
                          request("r1", [good], temperature=0.7, top_p=0.95, max_tokens=24, seed=6),
                          request("d", [good])])
        params = {p["seed"]: p for call in FakeLLM.instances[0].calls for p in call["params"]}
        self.assertEqual(params[5], {"temperature": 0.7, "top_p": 0.95, "max_tokens": 24, "seed": 5, "top_k": -1,
                                     "min_p": 0.0, "repetition_penalty": 1.0, "presence_penalty": 0.0,
                                     "frequency_penalty": 0.0})
        self.assertEqual(params[6]["seed"], 6)
        self.assertEqual((params[0]["temperature"], params[0]["top_p"], params[0]["max_tokens"]),
                         (0.1, 0.001, 8192))

    def test_logprobs_are_the_sampled_tokens_when_asked(self):
        good = self.image("good.png")
        _, responses = self.run_adapter([request("yes", [good], logprobs=True), request("no", [good])])
        self.assertEqual(responses["yes"]["logprobs"], [-0.25, -0.5, -0.75])
        self.assertEqual(responses["yes"]["usage"], {"prompt_tokens": 40, "completion_tokens": 3})
        self.assertNotIn("logprobs", responses["no"])
        sent = [p for call in FakeLLM.instances[0].calls for p in call["params"]]
        self.assertEqual(sorted(p.get("logprobs") is not None for p in sent), [False, True])

    def test_min_pixels_requests_are_their_own_llm_chat_call(self):
        good = self.image("good.png")
        self.run_adapter([request("a", [good]), request("o", [good], min_pixels=102400), request("b", [good])])
        calls = FakeLLM.instances[0].calls
        shapes = sorted(((len(c["messages"]), c["mm_processor_kwargs"].get("min_pixels")) for c in calls), key=str)
        self.assertEqual(shapes, [(1, 102400), (2, None)])
        self.assertTrue(all(c["mm_processor_kwargs"]["max_pixels"] == 1048576 for c in calls))
        self.assertTrue(all(c["chat_template_kwargs"] == {"add_generation_prompt": True} for c in calls))


if __name__ == "__main__":
    unittest.main()
