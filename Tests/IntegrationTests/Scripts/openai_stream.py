#!/usr/bin/env python3
"""Streams one chat completion with an image through Loom with the official `openai` client.

Usage: openai_stream.py BASE_URL MODEL IMAGE
Prints one JSON object: the text, the number of text chunks, the finish reason and the usage, and
the log-probabilities asked with it (`logprobs`: entries streamed, with their top counts), then
those of the same request not streamed (`whole_logprobs`, `whole_usage`).
"""
import base64
import json
import mimetypes
import sys

from openai import OpenAI


def main():
    base_url, model, image = sys.argv[1:4]
    mime = mimetypes.guess_type(image)[0] or "image/jpeg"
    with open(image, "rb") as f:
        url = f"data:{mime};base64,{base64.b64encode(f.read()).decode()}"
    client = OpenAI(base_url=base_url, api_key="unused", max_retries=0, timeout=30)
    messages = [{"role": "user", "content": [
        {"type": "image_url", "image_url": {"url": url}},
        {"type": "text", "text": "What is in this picture?"},
    ]}]
    stream = client.chat.completions.create(
        model=model,
        messages=messages,
        max_tokens=16,
        temperature=0,
        stream=True,
        stream_options={"include_usage": True},
        logprobs=True,
        top_logprobs=3,
    )
    text, chunks, finish_reason, usage, logprobs = "", 0, None, None, []
    for chunk in stream:
        if chunk.choices:
            choice = chunk.choices[0]
            if choice.delta.content:
                text += choice.delta.content
                chunks += 1
            if choice.logprobs and choice.logprobs.content:
                logprobs += [entry_summary(e) for e in choice.logprobs.content]
            finish_reason = choice.finish_reason or finish_reason
        if chunk.usage:
            usage = chunk.usage.model_dump()
    whole = client.chat.completions.create(
        model=model, messages=messages, max_tokens=16, temperature=0, logprobs=True, top_logprobs=3)
    whole_logprobs = [entry_summary(e) for e in (whole.choices[0].logprobs.content or [])]
    print(json.dumps({"text": text, "chunks": chunks, "finish_reason": finish_reason, "usage": usage,
                      "logprobs": logprobs, "whole_text": whole.choices[0].message.content,
                      "whole_logprobs": whole_logprobs, "whole_usage": whole.usage.model_dump()}))


def entry_summary(entry):
    """A content entry as the test checks it: its token's bytes, logprob and top list."""
    return {"bytes": entry.bytes, "logprob": entry.logprob,
            "top": [[t.logprob, t.bytes] for t in entry.top_logprobs]}


if __name__ == "__main__":
    main()
