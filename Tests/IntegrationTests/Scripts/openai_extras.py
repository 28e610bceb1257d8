#!/usr/bin/env python3
"""n, best_of, logit_bias, echo and the model documents through Loom with the official `openai` client.

Usage: openai_extras.py BASE_URL MODEL LOOM_WORKER MODEL_FILE
LOOM_WORKER and MODEL_FILE tokenize texts (`loom-worker tokenize`) to find token ids for logit_bias.
Every check is an assertion on what the server answered; on success the script prints one JSON
object summarising what it saw, as its last line.
"""
import json
import subprocess
import sys

import openai
from openai import OpenAI

PROMPT = "The capital of France is"


def main():
    base_url, model, worker, model_file = sys.argv[1:5]
    client = OpenAI(base_url=base_url, api_key="unused", max_retries=0, timeout=60)
    summary = {}

    def token_id(text):
        out = subprocess.run([worker, "tokenize", "--model", model_file, text], check=True, capture_output=True, text=True)
        ids = json.loads(out.stdout)
        assert len(ids) == 1, f"{text!r} is {ids}, not one token"
        return ids[0]

    def refused(call, param):
        try:
            call()
        except openai.BadRequestError as error:
            body = error.body or {}
            assert body.get("param") == param, f"param {body.get('param')!r}, wanted {param!r}: {body}"
            return body.get("message")
        raise AssertionError(f"expected a 400 naming {param}")

    # n = 3 with a seed at temperature 1: three distinct indexes, reproducible, not all alike.
    messages = [{"role": "user", "content": "Write one short sentence about the sea."}]

    def chat_n(seed):
        r = client.chat.completions.create(model=model, messages=messages, n=3, seed=seed, temperature=1, max_tokens=12)
        assert sorted(c.index for c in r.choices) == [0, 1, 2], r.choices
        assert all(c.finish_reason in ("stop", "length") for c in r.choices)
        return [c.message.content for c in sorted(r.choices, key=lambda c: c.index)], r.usage

    texts, usage = chat_n(1234)
    again, _ = chat_n(1234)
    assert texts == again, f"same seed, other texts: {texts} vs {again}"
    assert len(set(texts)) >= 2, f"three choices at temperature 1 all alike: {texts}"
    other, _ = chat_n(99)
    assert other != texts, "another seed gives other texts"
    one = client.chat.completions.create(model=model, messages=messages, seed=1234, temperature=1, max_tokens=12)
    assert one.choices[0].message.content == texts[0], "choice 0 with the seed is what n=1 with the seed says"
    assert usage.prompt_tokens == one.usage.prompt_tokens, "the prompt counted once"
    assert one.usage.completion_tokens < usage.completion_tokens <= 36, usage
    summary["n_texts"] = texts
    summary["n_usage"] = usage.model_dump()

    # The same, streamed: chunks of the three interleave, each choice says what it said whole.
    stream = client.chat.completions.create(
        model=model, messages=messages, n=3, seed=1234, temperature=1, max_tokens=12, stream=True,
        stream_options={"include_usage": True})
    streamed, finishes, stream_usage, order = {}, {}, None, []
    for chunk in stream:
        for c in chunk.choices:
            streamed[c.index] = streamed.get(c.index, "") + (c.delta.content or "")
            order.append(c.index)
            if c.finish_reason:
                finishes[c.index] = c.finish_reason
        if chunk.usage:
            stream_usage = chunk.usage
    assert [streamed[i] for i in range(3)] == texts, f"streamed {streamed} vs whole {texts}"
    assert sorted(finishes) == [0, 1, 2], finishes
    assert stream_usage.completion_tokens == usage.completion_tokens, (stream_usage, usage)
    summary["stream_switches"] = sum(1 for a, b in zip(order, order[1:]) if a != b)

    # Completions with n = 2, streamed: two indexes.
    indexes = set()
    for chunk in client.completions.create(model=model, prompt=PROMPT, n=2, max_tokens=4, stream=True):
        indexes |= {c.index for c in chunk.choices}
    assert indexes == {0, 1}, indexes

    summary["best_of"] = refused(lambda: client.completions.create(model=model, prompt=PROMPT, best_of=2, max_tokens=2), "best_of")
    refused(lambda: client.chat.completions.create(model=model, messages=messages, n=9, max_tokens=2), "n")

    # logit_bias: ban the greedy first token, then force another.
    def greedy(prompt, max_tokens, **extra):
        r = client.completions.create(model=model, prompt=prompt, max_tokens=max_tokens, temperature=0, logprobs=0, **extra)
        return r.choices[0].text, r.choices[0].logprobs.tokens

    text, tokens = greedy(PROMPT, 3)
    first = token_id(tokens[0])
    banned_text, banned_tokens = greedy(PROMPT, 3, logit_bias={str(first): -100})
    assert banned_tokens[0] != tokens[0], f"{tokens[0]!r} banned yet chosen"
    assert banned_text != text
    chat_banned = client.chat.completions.create(
        model=model, messages=messages, temperature=0, max_tokens=3, logprobs=True, logit_bias={str(first): -100})
    forced = token_id(" banana")
    forced_text, forced_tokens = greedy(PROMPT, 3, logit_bias={str(forced): 100})
    assert forced_tokens == [" banana"] * 3 and forced_text == " banana banana banana", forced_text
    sampled = client.completions.create(
        model=model, prompt=PROMPT, max_tokens=4, temperature=1, seed=5, logit_bias={str(forced): 100}, stream=True)
    assert "".join(c.choices[0].text for c in sampled if c.choices) == " banana" * 4
    assert chat_banned.choices[0].message.content is not None
    summary["logit_bias"] = {"greedy": text, "banned": banned_text, "forced": forced_text, "banned_id": first}
    summary["out_of_vocabulary"] = refused(
        lambda: client.completions.create(model=model, prompt=PROMPT, max_tokens=2, logit_bias={"1000000": 5}), None)
    assert "logit_bias" in summary["out_of_vocabulary"], summary["out_of_vocabulary"]
    refused(lambda: client.completions.create(model=model, prompt=PROMPT, max_tokens=2, logit_bias={"7": 500}), "logit_bias.7")

    # echo: the prompt first, whole and streamed.
    plain = client.completions.create(model=model, prompt=PROMPT, max_tokens=5, temperature=0).choices[0].text
    echoed = client.completions.create(model=model, prompt=PROMPT, max_tokens=5, temperature=0, echo=True).choices[0].text
    assert echoed == PROMPT + plain, (echoed, plain)
    chunks = [c.choices[0].text for c in client.completions.create(
        model=model, prompt=PROMPT, max_tokens=5, temperature=0, echo=True, stream=True) if c.choices]
    assert chunks[0].startswith(PROMPT) and "".join(chunks) == PROMPT + plain, chunks
    summary["echo"] = echoed

    # echo with logprobs: the prompt's entries (the first with none), then the generated ones.
    whole = client.completions.create(model=model, prompt=PROMPT, max_tokens=3, temperature=0, echo=True, logprobs=2)
    lp = whole.choices[0].logprobs
    prompt_count = whole.usage.prompt_tokens
    assert lp.token_logprobs[0] is None and lp.top_logprobs[0] is None, lp
    assert all(x is not None for x in lp.token_logprobs[1:]), lp.token_logprobs
    assert len(lp.tokens) == prompt_count + whole.usage.completion_tokens, (lp.tokens, whole.usage)
    assert "".join(lp.tokens[:prompt_count]) == PROMPT, lp.tokens
    assert lp.text_offset[:prompt_count] == [sum(len(t) for t in lp.tokens[:i]) for i in range(prompt_count)], lp.text_offset
    assert lp.text_offset[prompt_count] == len(PROMPT), "generated offsets continue past the echoed prompt"
    plain_lp = client.completions.create(model=model, prompt=PROMPT, max_tokens=3, temperature=0, logprobs=2).choices[0].logprobs
    assert lp.tokens[prompt_count:] == plain_lp.tokens and lp.token_logprobs[prompt_count:] == plain_lp.token_logprobs
    # A prompt token's entry is what the model says of it there: " Paris" after PROMPT, as generated.
    extended = client.completions.create(
        model=model, prompt=PROMPT + plain_lp.tokens[0], max_tokens=1, temperature=0, echo=True, logprobs=2)
    paris = extended.choices[0].logprobs.token_logprobs[prompt_count]
    assert abs(paris - plain_lp.token_logprobs[0]) < 1e-5, (paris, plain_lp.token_logprobs[0])
    streamed_lp = {"tokens": [], "token_logprobs": [], "text_offset": []}
    for chunk in client.completions.create(
            model=model, prompt=PROMPT, max_tokens=3, temperature=0, echo=True, logprobs=2, stream=True):
        if chunk.choices and chunk.choices[0].logprobs:
            for key in streamed_lp:
                streamed_lp[key] += getattr(chunk.choices[0].logprobs, key)
    assert streamed_lp == {"tokens": lp.tokens, "token_logprobs": lp.token_logprobs, "text_offset": lp.text_offset}, streamed_lp
    summary["echo_logprobs"] = {"tokens": lp.tokens, "token_logprobs": lp.token_logprobs, "prompt_tokens": prompt_count}

    # The model documents.
    listed = [m for m in client.models.list().data if m.id == model]
    assert len(listed) == 1
    entry = listed[0].model_dump()
    assert isinstance(entry.get("context_length"), int) and entry["context_length"] > 0, entry
    assert entry.get("input_modalities") == ["text"], entry
    assert entry["owned_by"] == "loom" and entry["created"] > 1_600_000_000, entry
    retrieved = client.models.retrieve(model).model_dump()
    assert retrieved["id"] == model and retrieved["context_length"] == entry["context_length"], retrieved
    try:
        client.models.retrieve("no-such-model")
        raise AssertionError("a missing model was found")
    except openai.NotFoundError:
        pass
    summary["model"] = entry
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
