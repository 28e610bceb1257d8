#!/usr/bin/env python3
"""Structured output, tools, streamed usage and the accepted and refused fields through Loom with the
official `openai` client, streamed and not.

Usage: openai_structured.py BASE_URL MODEL
Asserts as it goes (a failed assertion exits non-zero with its message) and prints, last, one JSON
object of figures: how many constrained answers were generated and validated.
"""
import json
import pathlib
import sys

import jsonschema
import openai
from openai import OpenAI

# Every keyword the schema compiler takes, in one schema (also what `loom-worker bench-grammar
# --schema` measures in docs/benchmarks.md).
with open(pathlib.Path(__file__).with_name("person.schema.json")) as f:
    SCHEMA = json.load(f)

WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "The current weather in a city",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string", "maxLength": 20}, "unit": {"enum": ["celsius", "fahrenheit"]}},
            "required": ["city", "unit"],
            "additionalProperties": False,
        },
    },
}
ADD = {
    "type": "function",
    "function": {
        "name": "add",
        "parameters": {
            "type": "object",
            "properties": {"a": {"type": "integer", "minimum": -100, "maximum": 100}, "b": {"type": "integer", "minimum": -100, "maximum": 100}},
            "required": ["a", "b"],
            "additionalProperties": False,
        },
    },
}


def streamed_text(stream):
    text, finish = "", None
    for chunk in stream:
        if chunk.choices:
            text += chunk.choices[0].delta.content or ""
            finish = chunk.choices[0].finish_reason or finish
    return text, finish


def streamed_tool_calls(stream):
    """Accumulates tool-call deltas as OpenAI's clients do: by index, the id and name once, the
    arguments as fragments."""
    calls, content, finish = {}, "", None
    for chunk in stream:
        if not chunk.choices:
            continue
        delta = chunk.choices[0].delta
        content += delta.content or ""
        for call in delta.tool_calls or []:
            entry = calls.setdefault(call.index, {"id": None, "name": "", "arguments": ""})
            if call.id:
                entry["id"] = call.id
            if call.function and call.function.name:
                entry["name"] += call.function.name
            if call.function and call.function.arguments:
                entry["arguments"] += call.function.arguments
        finish = chunk.choices[0].finish_reason or finish
    return [calls[i] for i in sorted(calls)], content, finish


def expect_bad_request(what, **kwargs):
    try:
        kwargs["client"].chat.completions.create(**{k: v for k, v in kwargs.items() if k != "client"})
    except openai.BadRequestError as error:
        message = str(error)
        return message
    raise AssertionError(f"{what}: expected a 400")


def main():
    base_url, model = sys.argv[1:3]
    client = OpenAI(base_url=base_url, api_key="unused", max_retries=0, timeout=120)
    figures = {"json_object": 0, "json_schema": 0, "tool_calls": 0}
    ask = [{"role": "user", "content": "Describe a person as JSON."}]
    short = [{"role": "user", "content": 'Give a JSON object with two keys, "name" and "age", for a person.'}]

    # json_object: any JSON object, streamed and not, sampled with several seeds (a tiny model's
    # free JSON can run long: asked for a small object, at a lower temperature).
    for seed in range(3):
        response = client.chat.completions.create(
            model=model, messages=short, max_tokens=300, temperature=0.5, seed=seed, response_format={"type": "json_object"})
        choice = response.choices[0]
        assert choice.finish_reason == "stop", f"json_object ended by {choice.finish_reason}: {choice.message.content!r}"
        assert isinstance(json.loads(choice.message.content), dict), choice.message.content
        figures["json_object"] += 1
    text, finish = streamed_text(client.chat.completions.create(
        model=model, messages=short, max_tokens=300, temperature=0.5, seed=7, stream=True, response_format={"type": "json_object"}))
    assert finish == "stop" and isinstance(json.loads(text), dict), text
    figures["json_object"] += 1

    # json_schema, strict: every answer validates against the schema (jsonschema, not Loom, judges).
    response_format = {"type": "json_schema", "json_schema": {"name": "person", "strict": True, "schema": SCHEMA}}
    for seed in range(4):
        response = client.chat.completions.create(
            model=model, messages=ask, max_tokens=400, temperature=1, seed=seed, response_format=response_format)
        choice = response.choices[0]
        assert choice.finish_reason == "stop", f"json_schema ended by {choice.finish_reason}: {choice.message.content!r}"
        document = json.loads(choice.message.content)
        jsonschema.validate(document, SCHEMA)
        assert list(document) == list(SCHEMA["properties"]), f"properties in the schema's order: {list(document)}"
        figures["json_schema"] += 1
    text, finish = streamed_text(client.chat.completions.create(
        model=model, messages=ask, max_tokens=400, temperature=0.8, seed=11, stream=True, response_format=response_format))
    assert finish == "stop", text
    jsonschema.validate(json.loads(text), SCHEMA)
    figures["json_schema"] += 1

    # grammar (GBNF, llama.cpp's extension).
    for seed in range(3):
        response = client.chat.completions.create(
            model=model, messages=[{"role": "user", "content": "Is water wet?"}], max_tokens=8, temperature=1, seed=seed,
            extra_body={"grammar": 'root ::= ("yes" | "no") "."'})
        assert response.choices[0].message.content in ("yes.", "no."), response.choices[0].message.content

    # /v1/completions takes the same fields.
    completion = client.completions.create(
        model=model, prompt="Is the sky blue? Answer:", max_tokens=6, temperature=1, seed=2,
        extra_body={"grammar": 'root ::= " yes" | " no"'})
    assert completion.choices[0].text in (" yes", " no") and completion.choices[0].finish_reason == "stop", completion
    completion = client.completions.create(
        model=model, prompt="Here is a cat as a small JSON object with a name and an age:", max_tokens=200, temperature=0,
        extra_body={"response_format": {"type": "json_object"}})
    assert completion.choices[0].finish_reason == "stop", completion
    assert isinstance(json.loads(completion.choices[0].text), dict), completion.choices[0].text

    # Tools: a required call, not streamed.
    question = [{"role": "user", "content": "What is the weather in Paris?"}]
    response = client.chat.completions.create(
        model=model, messages=question, max_tokens=120, temperature=0, tools=[WEATHER, ADD], tool_choice="required")
    choice = response.choices[0]
    assert choice.finish_reason == "tool_calls", choice
    assert choice.message.tool_calls and len(choice.message.tool_calls) == 1, choice.message
    call = choice.message.tool_calls[0]
    assert call.type == "function" and call.id.startswith("call_") and call.function.name in ("get_weather", "add")
    schema = WEATHER if call.function.name == "get_weather" else ADD
    jsonschema.validate(json.loads(call.function.arguments), schema["function"]["parameters"])
    figures["tool_calls"] += 1

    # A named function, streamed: deltas add up to one call whose arguments validate.
    calls, content, finish = streamed_tool_calls(client.chat.completions.create(
        model=model, messages=question, max_tokens=120, temperature=0.7, seed=3, stream=True, tools=[WEATHER, ADD],
        tool_choice={"type": "function", "function": {"name": "add"}}))
    assert finish == "tool_calls" and len(calls) == 1, (calls, content, finish)
    assert calls[0]["name"] == "add" and calls[0]["id"].startswith("call_")
    jsonschema.validate(json.loads(calls[0]["arguments"]), ADD["function"]["parameters"])
    figures["tool_calls"] += 1

    # The round trip: the call and the tool's result go back in the history; the model answers.
    history = question + [
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": call.id, "type": "function", "function": {"name": call.function.name, "arguments": call.function.arguments}}]},
        {"role": "tool", "tool_call_id": call.id, "content": json.dumps({"temperature": 18, "sky": "clear"})},
    ]
    answer = client.chat.completions.create(model=model, messages=history, max_tokens=40, temperature=0, tools=[WEATHER, ADD])
    assert answer.choices[0].message.content or answer.choices[0].message.tool_calls, answer
    assert answer.choices[0].finish_reason in ("stop", "length", "tool_calls")
    # tool_choice none: the tools are not offered; the answer is words.
    none = client.chat.completions.create(
        model=model, messages=question, max_tokens=16, temperature=0, tools=[WEATHER], tool_choice="none")
    assert none.choices[0].message.tool_calls is None and none.choices[0].finish_reason in ("stop", "length")

    # Bad requests: each a 400 that says what is wrong.
    bad_schema = {"type": "json_schema", "json_schema": {"name": "x", "schema": {"type": "string", "pattern": "^a+$"}}}
    message = expect_bad_request("unsupported keyword", client=client, model=model, messages=ask, response_format=bad_schema)
    assert "pattern" in message, message
    message = expect_bad_request(
        "invalid schema", client=client, model=model, messages=ask,
        response_format={"type": "json_schema", "json_schema": {"name": "x", "schema": {"type": "object", "properties": {"a": {"$ref": "#/$defs/missing"}}}}})
    assert "missing" in message, message
    message = expect_bad_request("top_logprobs 21", client=client, model=model, messages=ask, logprobs=True, top_logprobs=21)
    assert "top_logprobs" in message, message
    message = expect_bad_request(
        "unknown tool", client=client, model=model, messages=question, tools=[WEATHER],
        tool_choice={"type": "function", "function": {"name": "launch_rockets"}})
    assert "launch_rockets" in message, message
    message = expect_bad_request("bad GBNF", client=client, model=model, messages=ask, extra_body={"grammar": "root ::= ("})
    assert "grammar" in message, message
    # Small to write, vast to compile: refused by the worker's compile limit (5 s), which goes on serving.
    hostile = "root ::= " + " ".join(["[^a]{0,40}"] * 12)
    message = expect_bad_request("hostile GBNF", client=client, model=model, messages=ask, max_tokens=4, extra_body={"grammar": hostile})
    assert "too complex" in message, message
    after = client.chat.completions.create(model=model, messages=ask, max_tokens=4, temperature=0)
    assert after.choices[0].finish_reason == "length", after

    # Usage when streaming comes only with stream_options.include_usage, in a last chunk of its own
    # with empty choices; harmless fields are taken; fields that would change the output are refused.
    hello = [{"role": "user", "content": "Say hello."}]
    chunks = list(client.chat.completions.create(model=model, messages=hello, max_tokens=4, temperature=0, stream=True))
    assert all(chunk.usage is None for chunk in chunks), "no usage without include_usage"
    chunks = list(client.chat.completions.create(
        model=model, messages=hello, max_tokens=4, temperature=0, stream=True, stream_options={"include_usage": True}))
    assert chunks[-1].usage is not None and chunks[-1].choices == [], chunks[-1]
    assert all(chunk.usage is None for chunk in chunks[:-1])
    harmless = dict(user="u-1", metadata={"k": "v"}, store=False, service_tier="auto", parallel_tool_calls=False)
    plain = client.chat.completions.create(model=model, messages=hello, max_tokens=6, temperature=0)
    taken = client.chat.completions.create(model=model, messages=hello, max_tokens=6, temperature=0, tools=[WEATHER], **harmless)
    assert taken.choices[0].finish_reason in ("stop", "length", "tool_calls")
    streamed, _ = streamed_text(client.chat.completions.create(
        model=model, messages=hello, max_tokens=6, temperature=0, stream=True, **harmless))
    assert streamed == plain.choices[0].message.content, (streamed, plain.choices[0].message.content)
    for field, value in [("modalities", ["text", "audio"]), ("audio", {"voice": "alloy", "format": "wav"}),
                         ("prediction", {"type": "content", "content": "x"}), ("web_search_options", {})]:
        message = expect_bad_request(field, client=client, model=model, messages=hello, **{field: value})
        assert field in message, message

    print(json.dumps(figures))


if __name__ == "__main__":
    main()
