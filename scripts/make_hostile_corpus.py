#!/usr/bin/env python3
"""Writes Ocular's hostile suite-input corpus: Tests/OcularCoreTests/HostileInput/<case>/.

Each case is a whole suite folder (suite.json, samples.jsonl, images/) broken in one way, plus `expected.txt`:
either the one error line Ocular must print (with $SUITE standing for the case folder as the user named it), or
`accepted N` for an input Ocular reads as N samples (a byte-order mark, CRLF line ends, …). The corpus is committed;
this script documents how every case was made and rewrites it exactly (python3 scripts/make_hostile_corpus.py).
Inputs too big to commit (a 50 MB and a 70 MB line, 100,000 levels of nesting) are made by the tests themselves.
"""
import json
import os
import shutil
import struct
import sys
import zlib

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "OcularCoreTests", "HostileInput")


def png(width, height, *, crc_ok=True, ihdr_length=13):
    """A grey PNG of the given declared size whose one IDAT holds a single row (the header may lie)."""
    def chunk(kind, data, good=True):
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        if not good:
            crc ^= 0xDEADBEEF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    ihdr = ihdr[:ihdr_length] if ihdr_length <= 13 else ihdr + b"\0" * (ihdr_length - 13)
    raw = b"".join(b"\0" + b"\x80" * min(width, 2) for _ in range(min(height, 2)))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr, crc_ok) + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b""))


GOOD_PNG = png(2, 2)
JPEG_SOURCE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "benchmarks", "docvqa", "images",
                           "docvqa_4.jpg")
GOOD_JPEG = open(JPEG_SOURCE, "rb").read()

MANIFEST = {
    "format": "ocular-suite/1",
    "name": "hostile",
    "benchmark": "docvqa",
    "group": "documents",
    "metric": "anls",
    "scoring_profile": "vlmevalkit",
    "id_field": "index",
    "image_field": "image_path",
    "image_root": "images",
    "files": [{"path": "samples.jsonl"}],
}


def record(index, image="a.png", **extra):
    value = {"index": index, "question": "What is the total?", "answer": "['12', 'twelve']", "image_path": image}
    value.update(extra)
    return value


def line(value):
    return json.dumps(value, ensure_ascii=False).encode() + b"\n"


GOOD_LINES = line(record(1)) + line(record(2, "b.jpg"))
CASES = []


def case(name, expected, *, manifest=None, samples=GOOD_LINES, images=None, extra=None):
    CASES.append((name, expected, manifest, samples, images, extra))


def manifest_with(**changes):
    value = dict(MANIFEST)
    for key, new in changes.items():
        if new is None:
            value.pop(key, None)
        else:
            value[key] = new
    return value


S = "$SUITE/samples.jsonl"
M = "$SUITE/suite.json"

# The control: a well-formed suite.
case("control", "accepted 2")
# Records.
case("invalid-json", f"{S}:2: invalid JSON", samples=line(record(1)) + b'{"index": 2, "question": \n')
case("trailing-garbage", f"{S}:1: invalid JSON", samples=line(record(1))[:-1] + b" }\n")
case("not-an-object", f"{S}:2: a sample must be a JSON object, not an array", samples=line(record(1)) + b"[1, 2]\n")
case("string-line", f"{S}:1: a sample must be a JSON object, not a string", samples=b'"just text"\n')
case("missing-id", f'{S}:2: missing field "index"',
     samples=line(record(1)) + line({k: v for k, v in record(2).items() if k != "index"}))
case("id-wrong-type", f'{S}:1: field "index" must be a non-empty string or an integer, not a Boolean',
     samples=line(record(True)))
case("id-fractional", f'{S}:1: field "index" must be a non-empty string or an integer, not a number',
     samples=line(record(1.5)))
case("id-empty-string", f'{S}:1: field "index" must be a non-empty string or an integer, not a string',
     samples=line(record("")))
case("duplicate-id", f'{S}:3: duplicate sample id "1"', samples=GOOD_LINES + line(record(1)))
case("duplicate-id-string-and-number", f'{S}:2: duplicate sample id "7"',
     samples=line(record(7)) + line(record("7")))
case("missing-answer", f'{S}:1: missing field "answer"',
     samples=line({k: v for k, v in record(1).items() if k != "answer"}))
case("answer-wrong-type", f'{S}:1: field "answer" must be a string, a list literal or an array of strings',
     samples=line(record(1, answer={"a": 1})))
case("empty-file", f"{S}: empty sample file", samples=b"")
case("only-blank-lines", f"{S}: no samples (only blank lines)", samples=b"\n  \n\t\n")
case("byte-order-mark", "accepted 2", samples=b"\xef\xbb\xbf" + GOOD_LINES)
case("crlf-line-ends", "accepted 2", samples=GOOD_LINES.replace(b"\n", b"\r\n"))
case("no-final-newline", "accepted 2", samples=GOOD_LINES[:-1])
case("invalid-utf8", f"{S}:2: invalid UTF-8", samples=line(record(1)) + line(record(2)).replace(b"total", b"tot\xff\xfel"))
case("overlong-utf8", f"{S}:1: invalid UTF-8", samples=line(record(1)).replace(b"total", b"tot\xc1\xa1l"))
case("nul-byte-in-line", f"{S}:1: invalid JSON", samples=line(record(1)).replace(b"total", b"to\x00tal"))
case("lone-surrogate-escape", "accepted 1", samples=b'{"index": 1, "question": "What \\udc80 is it?", '
     b'"answer": "[\'12\']", "image_path": "a.png"}\n')
# Python's json (and so Ocular's Python-compatible parser) reads NaN; the id check then refuses it.
case("nan-literal", f'{S}:1: field "index" must be a non-empty string or an integer, not a number', samples=b'{"index": NaN, "question": "q", "answer": "a", '
     b'"image_path": "a.png"}\n')
# Image paths.
case("path-with-dotdot", f'{S}:1: path "images/../../outside.png" contains ".."; paths must stay inside the suite folder',
     samples=line(record(1, "../../outside.png")))
case("absolute-path", f'{S}:1: path "/etc/hostname" is absolute; paths must be relative to the suite folder',
     samples=line(record(1, "/etc/hostname")))
case("symlink-escaping", f'{S}:1: path "images/escape.png" resolves outside the suite folder (symlink)',
     samples=line(record(1, "escape.png")), extra={"symlink": ("images/escape.png", "../../outside.png")})
case("missing-image", f'{S}:2: path "images/nowhere.png": no such file',
     samples=line(record(1)) + line(record(2, "nowhere.png")))
case("empty-image-path", f'{S}:1: field "image_path" holds an empty path', samples=line(record(1, "")))
case("image-path-with-nul", f'{S}:1: path "a.png\\u0000../x" holds a NUL character',
     samples=b'{"index": 1, "question": "q", "answer": "a", "image_path": "a.png\\u0000../x"}\n')
case("image-field-number", f'{S}:1: field "image_path" must be a path or a list of paths, not a number',
     samples=line(record(1, 5)))
case("image-list-empty", f'{S}:1: field "image_path" names no image', samples=line(record(1, [])))
case("image-is-a-directory", f'{S}:1: image "folder.png": a directory, not an image file',
     samples=line(record(1, "folder.png")), extra={"directory": "images/folder.png"})
# Image bytes.
case("zero-byte-image", f'{S}:1: image "empty.png": empty image file', samples=line(record(1, "empty.png")),
     images={"empty.png": b""})
case("truncated-png", f'{S}:1: image "cut.png": truncated or corrupt PNG image', samples=line(record(1, "cut.png")),
     images={"cut.png": GOOD_PNG[:40]})
case("truncated-jpeg", f'{S}:1: image "cut.jpg": truncated or corrupt JPEG image',
     samples=line(record(1, "cut.jpg")), images={"cut.jpg": GOOD_JPEG[: len(GOOD_JPEG) // 2]})
case("text-named-png", f'{S}:1: image "notes.png": not a PNG, JPEG, GIF or WebP image',
     samples=line(record(1, "notes.png")), images={"notes.png": b"these are notes, not pixels\n"})
case("png-header-crc-lies", f'{S}:1: image "liar.png": corrupt PNG header (IHDR checksum mismatch)',
     samples=line(record(1, "liar.png")), images={"liar.png": png(2, 2, crc_ok=False)})
case("png-header-wrong-length", f'{S}:1: image "short.png": truncated or corrupt PNG image',
     samples=line(record(1, "short.png")), images={"short.png": png(2, 2, ihdr_length=9)})
case("jpeg-content-named-png", "accepted 1", samples=line(record(1, "photo.png")), images={"photo.png": GOOD_JPEG})
case("absurd-dimensions", f'{S}:1: image "huge.png": implausible image size 100000x100000',
     samples=line(record(1, "huge.png")), images={"huge.png": png(100000, 100000)})
case("zero-dimensions", f'{S}:1: image "flat.png": implausible image size 0x5',
     samples=line(record(1, "flat.png")), images={"flat.png": png(0, 5)})
# Manifests.
case("manifest-unknown-metric", f'{M}: metric "bleu" is not the metric of benchmark docvqa ("anls")',
     manifest=manifest_with(metric="bleu"))
case("manifest-unknown-benchmark", f'{M}: unknown benchmark "docvqa2"', manifest=manifest_with(benchmark="docvqa2"))
case("manifest-invalid-json", f"{M}: invalid JSON", manifest=b'{"format": "ocular-suite/1",')
case("manifest-missing-files", f'{M}: missing field "files"', manifest=manifest_with(files=None))
case("manifest-wrong-type", f'{M}: field "id_field" has the wrong type', manifest=manifest_with(id_field=3))
case("manifest-unknown-format", f'{M}: unsupported format "ocular-suite/9" (expected ocular-suite/1)',
     manifest=manifest_with(format="ocular-suite/9"))
case("manifest-no-sample-files", f'{M}: "files" names no sample file', manifest=manifest_with(files=[]))
case("manifest-sample-file-missing", f'{M}: path "absent.jsonl": no such file',
     manifest=manifest_with(files=[{"path": "absent.jsonl"}]))
case("manifest-bad-name", f"{M}: suite name must match [a-z0-9_+-]+", manifest=manifest_with(name="Bad Name"))
case("manifest-template-unbalanced", f"{M}: prompt_template has an unbalanced brace",
     manifest=manifest_with(prompt_template="{question"))
case("template-names-missing-field", f'{S}:1: prompt_template names field "hint", which the record lacks',
     manifest=manifest_with(prompt_template="{question} {hint}"), samples=line(record(1)))


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data)


def main():
    if os.path.isdir(ROOT):
        shutil.rmtree(ROOT)
    write(os.path.join(ROOT, "outside.png"), GOOD_PNG)
    for name, expected, manifest, samples, images, extra in CASES:
        folder = os.path.join(ROOT, name)
        manifest = MANIFEST if manifest is None else manifest
        data = manifest if isinstance(manifest, bytes) else (json.dumps(manifest, indent=2) + "\n").encode()
        write(os.path.join(folder, "suite.json"), data)
        write(os.path.join(folder, "samples.jsonl"), samples)
        write(os.path.join(folder, "images", "a.png"), GOOD_PNG)
        write(os.path.join(folder, "images", "b.jpg"), GOOD_JPEG)
        for image, content in (images or {}).items():
            write(os.path.join(folder, "images", image), content)
        extra = extra or {}
        if "symlink" in extra:
            link, target = extra["symlink"]
            os.symlink(target, os.path.join(folder, link))
        if "directory" in extra:
            os.makedirs(os.path.join(folder, extra["directory"]))
            write(os.path.join(folder, extra["directory"], ".keep"), b"")
        write(os.path.join(folder, "expected.txt"), (expected + "\n").encode())
    print(f"{len(CASES)} cases written under {os.path.relpath(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
