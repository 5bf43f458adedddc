#!/usr/bin/env python3
"""Drives `ocular view` in headless Chromium (Selenium + Debian's chromium-driver); run by scripts/check_browser.sh.

Makes a temporary run store with three runs over the bundled suites (the oracle, the baseline, and a replay of
hostile answers: <script>, markup, an event handler, ANSI escapes), serves it with `ocular view --port 0`, and checks
what a person would: the runs list and its filter, the paper table, a suite's samples and filters, a sample's image
actually loaded with its overlay, the hostile answer shown as text (no element injected, no script run, no alert),
and two runs side by side with their flipped samples. Prints `N passed, M failed`; exit code 1 on any failure.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HOSTILE = ("<think>\x1b[31mthinking\x1b[0m</think><answer><script>window.__pwned=1;alert(1)</script>"
           "<img src=x onerror=\"window.__pwned=2\"> <b>bold</b> \x1b]0;title\x07</answer>")

results = []


def check(name, condition, detail=""):
    results.append((name, bool(condition)))
    print(("PASS " if condition else "FAIL ") + name + ("" if condition or not detail else ": " + str(detail)))
    return bool(condition)


def run(command, **kwargs):
    completed = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if completed.returncode != 0:
        sys.exit("check_browser: %s failed (%d): %s" % (" ".join(command[:3]), completed.returncode,
                                                         completed.stderr.strip()[-2000:]))
    return completed


def make_store(ocular, folder):
    """Three runs: 1 oracle, 2 baseline (every bundled suite), 3 hostile replay (DocVQA)."""
    db = os.path.join(folder, "runs.sqlite")
    suites = os.path.join(ROOT, "benchmarks")
    common = ["--db", db, "--suites-dir", suites]
    run([ocular, "eval", "--model", "builtin:oracle", "--suite", "all"] + common)
    run([ocular, "eval", "--model", "builtin:baseline", "--suite", "all"] + common)
    replay = os.path.join(folder, "hostile.jsonl")
    with open(_first_jsonl(os.path.join(suites, "docvqa"))) as f:
        ids = [json.loads(line)["index"] for line in f if line.strip()]
    with open(replay, "w") as out:
        for index in ids:
            out.write(json.dumps({"suite": "docvqa", "id": str(index), "response": HOSTILE}) + "\n")
    run([ocular, "eval", "--model", "replay:" + replay, "--suite", "docvqa"] + common)
    return db


def _first_jsonl(folder):
    manifest = json.load(open(os.path.join(folder, "suite.json")))
    return os.path.join(folder, manifest["files"][0]["path"])


def start_viewer(ocular, db):
    process = subprocess.Popen([ocular, "view", "--db", db, "--port", "0"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:\d+/", line)
    if not match:
        process.kill()
        sys.exit("check_browser: ocular view printed no URL: %r %s" % (line, process.stderr.read()[-2000:]))
    return process, match.group(0)


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,900", "--hide-scrollbars"]:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    return webdriver.Chrome(options=options, service=service)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ocular", required=True)
    parser.add_argument("--screenshots", help="folder for viewer-*.png (docs/ refreshes the documentation's)")
    args = parser.parse_args()
    started = time.time()
    folder = tempfile.mkdtemp(prefix="ocular-browser-")
    viewer = None
    driver = None
    try:
        db = make_store(args.ocular, folder)
        viewer, url = start_viewer(args.ocular, db)
        driver = browser()
        wait = WebDriverWait(driver, 15)

        def go(fragment, selector):
            # Empty the page first: a hash change keeps the document, and the last view's elements must not match.
            if driver.current_url.startswith(url):
                driver.execute_script("const m = document.getElementById('main'); if (m) m.replaceChildren();")
            driver.get(url + fragment)
            try:
                return wait.until(lambda d: d.find_element(By.CSS_SELECTOR, selector))
            except TimeoutException:
                errors = driver.find_elements(By.ID, "error")
                raise AssertionError("%s: %s never appeared%s" % (fragment, selector,
                                     (" (" + errors[0].text + ")") if errors else ""))

        def shoot(name):
            if args.screenshots:
                os.makedirs(args.screenshots, exist_ok=True)
                driver.save_screenshot(os.path.join(args.screenshots, "viewer-%s.png" % name))

        def image_loaded(selector="#sample-image"):
            try:
                return wait.until(lambda d: d.execute_script(
                    "const i = document.querySelector(arguments[0]); return i && i.complete && i.naturalWidth > 0 "
                    "? i.naturalWidth : 0", selector))
            except TimeoutException:
                return 0

        # Runs: the list and its filter.
        go("#/", "#runs-table")
        rows = driver.find_elements(By.CSS_SELECTOR, "tr.run-row")
        check("runs page lists the 3 runs", len(rows) == 3, len(rows))
        driver.find_element(By.ID, "run-filter").send_keys("baseline")
        shown = [r for r in driver.find_elements(By.CSS_SELECTOR, "tr.run-row") if r.is_displayed()]
        check("run filter keeps only the baseline run", len(shown) == 1 and "baseline" in shown[0].text,
              [r.text for r in shown])
        driver.find_element(By.ID, "run-filter").clear()
        driver.execute_script("document.getElementById('run-filter').dispatchEvent(new Event('input'))")
        shoot("runs")

        # The paper table with its charts.
        go("#/table?runs=1,2", "#paper-table")
        bars = driver.find_elements(By.CSS_SELECTOR, "#charts svg rect")
        body_rows = driver.find_elements(By.CSS_SELECTOR, "#paper-table tbody tr")
        check("paper table has a row per chosen run and bar charts", len(body_rows) == 2 and len(bars) >= 2,
              (len(body_rows), len(bars)))
        shoot("table")

        # Samples of a suite: filter by score.
        go("#/run/2/suite/refcoco", "#sample-table")
        total_before = driver.find_element(By.ID, "page-info").text
        driver.find_element(By.ID, "min-filter").send_keys("1")
        driver.find_element(By.ID, "apply-filters").click()
        wait.until(lambda d: "min=1" in d.current_url and d.find_elements(By.CSS_SELECTOR, "#sample-table"))
        time.sleep(0.3)
        scores = [r.find_elements(By.TAG_NAME, "td")[3].text for r in
                  driver.find_elements(By.CSS_SELECTOR, "tr.sample-row")]
        check("score filter shows only passing samples", scores and all(s == "1.00" for s in scores),
              (total_before, scores))
        Select(driver.find_element(By.ID, "cell-filter")).select_by_value("split:val")
        driver.find_element(By.ID, "min-filter").clear()
        driver.find_element(By.ID, "apply-filters").click()
        wait.until(lambda d: "cell=split" in d.current_url)
        time.sleep(0.3)
        ids = [a.text for a in driver.find_elements(By.CSS_SELECTOR, "a.sample-link")]
        check("split filter shows only val samples", ids and all(i.startswith("val/") for i in ids), ids)
        shoot("samples")

        # One sample: its image loaded, the overlay drawn, a stable URL.
        driver.find_elements(By.CSS_SELECTOR, "a.sample-link")[0].click()
        wait.until(lambda d: d.find_elements(By.ID, "sample-image"))
        check("sample URL is stable (#/run/2/suite/refcoco/sample/val%2F1/repeat/0)",
              driver.current_url.endswith("#/run/2/suite/refcoco/sample/val%2F1/repeat/0"), driver.current_url)
        check("sample image loaded (naturalWidth > 0)", image_loaded() > 0)
        check("grounding overlay draws gold and predicted boxes",
              driver.find_elements(By.CSS_SELECTOR, "#overlay rect.gold")
              and driver.find_elements(By.CSS_SELECTOR, "#overlay rect.pred-a"))
        check("gold and extracted answer shown", driver.find_element(By.ID, "gold").text.strip() != ""
              and "boxes" in driver.find_element(By.ID, "extracted").text)
        shoot("sample")

        # A point benchmark: the mask and the predicted point.
        go("#/run/2/suite/refspatial/sample/1/repeat/0", "#sample-image")
        check("RefSpatial image and gold mask loaded", image_loaded() > 0 and image_loaded("img.mask") > 0)
        check("RefSpatial predicted point drawn", driver.find_elements(By.CSS_SELECTOR, "#overlay path.pred-a"))

        # Hostile output renders as text.
        go("#/run/3/suite/docvqa/sample/1/repeat/0", "#extracted")
        extracted = driver.find_element(By.ID, "extracted").text
        check("hostile answer shown as text", "<script>window.__pwned=1;alert(1)</script>" in extracted
              and "<b>bold</b>" in extracted, extracted)
        injected = driver.execute_script(
            "return document.querySelectorAll('#main script, #main b, #main img[src=\"x\"]').length")
        check("no element injected by the answer", injected == 0, injected)
        check("no script of the answer ran", driver.execute_script("return window.__pwned === undefined"))
        try:
            driver.switch_to.alert
            check("no alert opened", False)
        except NoAlertPresentException:
            check("no alert opened", True)
        check("ANSI escapes shown as visible text (\\x1B)", "\\x1B]0;title\\x07" in extracted
              and "\x1b" not in extracted, extracted)
        details = driver.find_elements(By.CSS_SELECTOR, "#response details")
        check("thinking folded in the raw response", details and details[0].get_attribute("open") is None)
        shoot("hostile")

        # Two runs side by side: pick A and B on the runs page, see flips, open one.
        go("#/", "#runs-table")
        for box in driver.find_elements(By.CSS_SELECTOR, "input.run-check"):
            if box.get_attribute("value") in ("1", "2"):
                box.click()
        driver.find_element(By.ID, "diff-button").click()
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#diff-table"))
        check("diff of runs 1 and 2 opened", "#/diff/1/2" in driver.current_url, driver.current_url)
        flips = driver.find_elements(By.CSS_SELECTOR, "tr.flip-row")
        check("flipped samples listed", len(flips) > 0, len(flips))
        Select(driver.find_element(By.ID, "flip-suite")).select_by_value("refcoco")
        driver.find_element(By.ID, "apply-flips").click()
        wait.until(lambda d: "suite=refcoco" in d.current_url)
        time.sleep(0.3)
        flips = driver.find_elements(By.CSS_SELECTOR, "tr.flip-row")
        check("flips filtered to RefCOCO", flips and all(f.text.startswith("refcoco") for f in flips),
              [f.text[:20] for f in flips])
        shoot("diff")
        driver.find_elements(By.CSS_SELECTOR, "a.flip-link")[0].click()
        wait.until(lambda d: d.find_elements(By.ID, "side-b"))
        check("both answers beside the image", driver.find_element(By.ID, "a-extracted").text != ""
              and driver.find_element(By.ID, "b-extracted").text != "" and image_loaded() > 0)
        check("both runs' boxes drawn", driver.find_elements(By.CSS_SELECTOR, "#overlay rect.pred-a")
              and driver.find_elements(By.CSS_SELECTOR, "#overlay rect.pred-b"))
        shoot("pair")

        # Bad addresses answer with a message, in the page too.
        go("#/run/999", "#error")
        check("unknown run shows an error message", "no run 999" in driver.find_element(By.ID, "error").text)

        severe = [entry["message"] for entry in driver.get_log("browser")
                  if entry["level"] == "SEVERE" and "favicon" not in entry["message"]
                  and "/api/runs/999" not in entry["message"]]
        check("no script errors in the console", not severe, severe[:3])
    except Exception as error:  # a step that cannot go on fails the check, with the summary still printed
        check("page flow", False, "%s: %s" % (type(error).__name__, error))
    finally:
        if driver:
            driver.quit()
        if viewer:
            viewer.terminate()
            try:
                viewer.wait(10)
            except subprocess.TimeoutExpired:
                viewer.kill()
        shutil.rmtree(folder, ignore_errors=True)
    failed = sum(1 for _, ok in results if not ok)
    print("check_browser: %.1f s" % (time.time() - started))
    print("check_browser: %d passed, %d failed" % (len(results) - failed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
