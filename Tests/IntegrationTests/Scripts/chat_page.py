#!/usr/bin/env python3
"""Drives the controller's chat page in headless Chromium with Selenium, as a person would.

Usage: chat_page.py BASE_URL MODEL IMAGE API_KEY

BASE_URL is the controller's (http://127.0.0.1:PORT), started with --api-key API_KEY and a worker
serving MODEL. The page is loaded without the key (it must load, and say the models need one), the
key entered in its settings, the Markdown renderer fed hostile HTML, an image dropped and
one pasted as thumbnails, then three turns: a question with IMAGE attached through the file input,
a long answer stopped with the Stop button, and a follow-up whose prompt carries the history.
Exits non-zero with a sentence on the first thing that is wrong; on success prints one JSON object
with what it saw. `chat_page.py --check` only checks that Selenium, Chromium and chromedriver are here.
"""
import json
import os
import shutil
import sys
import tempfile
import time

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
DRIVERS = ("chromedriver",)


def find(names):
    for name in names:
        path = shutil.which(name) or (f"/usr/lib/chromium/{name}" if os.path.exists(f"/usr/lib/chromium/{name}") else None)
        if path:
            return path
    return None


def check():
    """Exit 0 when everything the test needs is here; else print what is missing and exit 1."""
    missing = []
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("the selenium Python package")
    if not find(BROWSERS):
        missing.append("chromium")
    if not find(DRIVERS):
        missing.append("chromedriver (Debian's chromium-driver)")
    if missing:
        print("missing " + ", ".join(missing))
        sys.exit(1)
    print("ok")


class Failure(Exception):
    pass


def main():
    if sys.argv[1:] == ["--check"]:
        check()
        return
    base_url, model, image, api_key = sys.argv[1:5]
    from selenium import webdriver
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    options = webdriver.ChromeOptions()
    options.binary_location = find(BROWSERS)
    profile = tempfile.mkdtemp(prefix="loom-chromium-")
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1200,900", "--no-first-run", f"--user-data-dir={profile}"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    started = time.monotonic()
    # An explicit driver path: Selenium Manager, which would download one, never runs.
    driver = webdriver.Chrome(options=options, service=Service(executable_path=find(DRIVERS)))
    browser_started = time.monotonic() - started

    def wait(condition, what, seconds=30):
        try:
            return WebDriverWait(driver, seconds, poll_frequency=0.05).until(lambda _: condition())
        except TimeoutException:
            raise Failure(f"waited {seconds} s for {what}; the page says: {page_state()}")

    def page_state():
        return json.dumps(driver.execute_script("""
            return {
              notice: document.getElementById('notice').textContent,
              turns: Array.from(document.querySelectorAll('[data-role]')).map(e =>
                ({role: e.dataset.role, state: e.dataset.state, text: e.innerText.slice(0, 200)})),
            };"""))

    def css(selector):
        return driver.find_element(By.CSS_SELECTOR, selector)

    def answers():
        return driver.find_elements(By.CSS_SELECTOR, '[data-role="assistant"]')

    def set_field(selector, value):
        field = css(selector)
        field.clear()
        field.send_keys(str(value), Keys.TAB)  # leaving the field fires its change event

    def ask(text, max_tokens):
        set_field("#max-tokens", max_tokens)
        css("textarea").send_keys(text)
        css('button[type="submit"]').click()
        count = len(driver.find_elements(By.CSS_SELECTOR, '[data-role="user"]'))
        wait(lambda: len(answers()) == count, f"answer {count} to appear")
        return answers()[-1]

    def finished(answer):
        wait(lambda: answer.get_attribute("data-state") != "streaming", "the answer to end")
        return answer

    def figures(answer):
        stats = answer.find_element(By.XPATH, '..').find_element(By.CSS_SELECTOR, '[data-role="stats"]')
        return {"text": stats.text, "prompt_tokens": int(stats.get_attribute("data-prompt-tokens") or 0),
                "tokens": int(stats.get_attribute("data-tokens") or 0),
                "ttft_ms": int(stats.get_attribute("data-ttft-ms") or -1)}

    def expect(condition, sentence):
        if not condition:
            raise Failure(f"{sentence}; the page says: {page_state()}")

    try:
        driver.get(base_url + "/")
        expect(driver.title == "Loom", f"the page's title is {driver.title!r}")
        for hook in ("textarea", 'input[type="file"]', 'button[type="submit"]', "#stop"):
            expect(driver.find_elements(By.CSS_SELECTOR, hook), f"the page has no {hook}")

        # Without the key the page loads, and says why it lists no model.
        notice = css("#notice")
        wait(lambda: "401" in notice.text, "the notice that the models need the API key")
        css("#settings summary").click()
        set_field("#api-key", api_key)
        wait(lambda: model in [o.get_attribute("value") for o in driver.find_elements(By.CSS_SELECTOR, "#model option")],
             f"the model {model} to be listed")
        wait(lambda: not notice.is_displayed(), "the notice to go")

        # The Markdown renderer writes only tags of its own, and links only http(s).
        rendered = driver.execute_script("""
            const box = document.createElement('div');
            box.innerHTML = LoomChat.renderMarkdown(arguments[0]);
            return {
              tags: Array.from(box.querySelectorAll('*')).map(e => e.tagName.toLowerCase()).sort(),
              links: Array.from(box.querySelectorAll('a')).map(a => a.getAttribute('href')),
              handlers: Array.from(box.querySelectorAll('*')).flatMap(e => Array.from(e.attributes)).map(a => a.name).filter(n => n.startsWith('on')),
              text: box.textContent,
            };""", "<img src=x onerror=alert(1)> **bold** *it* `<b>code</b>`\n"
                   "[bad](javascript:alert(1)) [good](https://example.com/a_b) \"><script>x</script>\n\n"
                   "- one\n- two\n\n```\n<i>raw</i>\n```")
        expect(rendered["tags"] == ["a", "br", "code", "code", "em", "li", "li", "p", "pre", "strong", "ul"],
               f"the renderer made the tags {rendered['tags']}")
        expect(rendered["links"] == ["https://example.com/a_b"], f"the renderer linked {rendered['links']}")
        expect(not rendered["handlers"], f"the renderer wrote attributes {rendered['handlers']}")
        expect("<img src=x onerror=alert(1)>" in rendered["text"] and "<i>raw</i>" in rendered["text"],
               "escaped HTML shows as text")

        # An image dropped on the page and one pasted into the message box become thumbnails; their
        # remove buttons take them away again.
        driver.execute_script("""
            const canvas = document.createElement('canvas');
            canvas.width = 4; canvas.height = 3;
            canvas.getContext('2d').fillRect(0, 0, 2, 2);
            canvas.toBlob(blob => {
              const files = name => { const d = new DataTransfer(); d.items.add(new File([blob], name, {type: 'image/png'})); return d; };
              window.dispatchEvent(new DragEvent('drop', {dataTransfer: files('dropped.png'), bubbles: true, cancelable: true}));
              document.querySelector('textarea').dispatchEvent(
                new ClipboardEvent('paste', {clipboardData: files('pasted.png'), bubbles: true, cancelable: true}));
            }, 'image/png');""")
        wait(lambda: sorted(i.get_attribute("alt") for i in driver.find_elements(By.CSS_SELECTOR, "#attachments img"))
             == ["dropped.png", "pasted.png"], "the dropped and the pasted image's thumbnails")
        for _ in range(2):
            css("#attachments .thumb button").click()
        wait(lambda: not driver.find_elements(By.CSS_SELECTOR, "#attachments img"), "the thumbnails to go")

        # Turn 1: a question with an image attached through the file input.
        css('input[type="file"]').send_keys(os.path.abspath(image))
        wait(lambda: len(driver.find_elements(By.CSS_SELECTOR, "#attachments img")) == 1, "the thumbnail")
        expect(css("#stop").get_attribute("disabled") is not None, "Stop is enabled with nothing streaming")
        first = finished(ask("What is in this picture?", 8))
        expect(first.get_attribute("data-state") == "done", f"the first answer ended {first.get_attribute('data-state')}")
        expect(first.text.strip(), "the first answer is empty")
        expect(driver.find_elements(By.CSS_SELECTOR, '[data-role="user"] img'), "the question shows no image")
        one = figures(first)
        # The tiny projector gives 16 image positions: a prompt past them carried the image.
        expect(one["prompt_tokens"] > 16, f"the first prompt has {one['prompt_tokens']} tokens: the image was not sent")
        expect("tokens/s" in one["text"] and one["ttft_ms"] >= 0, f"the first answer's figures are {one['text']!r}")

        # Turn 2: a long answer, stopped once it has begun.
        second = ask("Tell me a very long story.", 100000)
        stop = css("#stop")
        wait(lambda: second.text.strip() and stop.is_enabled(), "the second answer to begin streaming")
        stop.click()
        finished(second)
        expect(second.get_attribute("data-state") == "stopped",
               f"the second answer ended {second.get_attribute('data-state')}, not stopped")
        expect(second.text.strip(), "the stopped answer lost its text")
        expect(not stop.is_enabled() and css('button[type="submit"]').is_enabled(), "Stop and Send are not back as they were")

        # Turn 3: a follow-up; its prompt holds the two turns before it.
        third = finished(ask("And then?", 8))
        expect(third.get_attribute("data-state") == "done", f"the third answer ended {third.get_attribute('data-state')}")
        expect(third.text.strip(), "the third answer is empty")
        three = figures(third)
        expect(three["prompt_tokens"] > one["prompt_tokens"] + one["tokens"],
               f"the third prompt has {three['prompt_tokens']} tokens: the history was not sent")
        expect(len(driver.find_elements(By.CSS_SELECTOR, '[data-role="user"]')) == 3 and len(answers()) == 3,
               "the page does not show three turns")

        errors = [entry["message"] for entry in driver.get_log("browser")
                  if entry["level"] == "SEVERE" and "Failed to load resource" not in entry["message"]]
        expect(not errors, f"the browser logged errors: {errors}")
        print(json.dumps({
            "answers": [a.text for a in answers()], "states": [a.get_attribute("data-state") for a in answers()],
            "figures": [one, figures(second), three],
            "browser_start_seconds": round(browser_started, 2), "seconds": round(time.monotonic() - started, 2),
        }))
    except Failure as failure:
        print(f"chat page: {failure}", file=sys.stderr)
        sys.exit(1)
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
