"""Load on a real `qa serve`: concurrent chat sessions asking while articles are added."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchlib import REPO, latency, markdown_table, num, stay_offline

FIXTURES = REPO / "tests" / "fixtures" / "realtimeqa" / "articles.jsonl"
SAMPLE = REPO / "samples"
QUESTIONS = (
    "What did Putin say about trade?",
    "What did Putin and Xi call each other?",
    "What about energy cooperation?",
    "What did the president announce?",
    "Which company reported record profits?",
    "Where did the storm make landfall?",
    "What did the court decide?",
    "How many people were killed?",
)
# The probe of 0.2.0 (asks ran one at a time): the figures this run is read against.
BASELINE = {"errors": "0", "p95": "1.4–2.4 s", "present": "20/20", "hostile": "~27 s, blocked all"}


def article(n: int) -> dict[str, str]:
    """A synthetic article with a fact only it holds."""
    name = f"Loadtest Bridge {n:02d}"
    text = (
        f"The {name} opened to traffic on Monday in the town of Vell{n:02d}. "
        f"The bridge is {100 + n} metres long and cost {n + 3} million crowns. "
        f"Engineers said the {name} can carry {900 + n} vehicles an hour."
    )
    return {"title": name, "text": text, "url": f"https://load.example.org/bridge-{n}"}


def hostile_question(chars: int) -> str:
    """A question of `chars` characters made of words that do occur in news."""
    words = "what did putin say about trade energy china gas billion court storm".split()
    text = " ".join(words[i % len(words)] for i in range(chars // 4 + 1))
    return text[: chars - 1] + "?"


def timed(fn: Callable[[], Any]) -> tuple[float, Any, str | None]:
    """(seconds, result, error text or None)."""
    started = time.perf_counter()
    try:
        result = fn()
    except Exception as exc:  # noqa: BLE001 (every failure is a result here)
        return time.perf_counter() - started, None, f"{type(exc).__name__}: {exc}"[:300]
    return time.perf_counter() - started, result, None


def run_load(
    url: str,
    sessions: int = 16,
    questions: int = 5,
    adds: int = 20,
    hostile: int = 1_000_000,
    llm_sessions: int = 0,
) -> dict[str, Any]:
    """Drive the server at `url`; returns latencies, errors and what was present at the end.

    The first `llm_sessions` sessions ask through the local `llamacpp` model (seconds per answer),
    the rest through the extractive backend: their latencies are reported apart."""
    from gradio_client import Client

    def client() -> Any:  # a browser waits as long as it takes; so do we (no 5 s timeouts)
        return Client(url, verbose=False, download_files=False, httpx_kwargs={"timeout": 600})

    asks: list[float] = []
    llm_asks: list[float] = []
    inside: list[float] = []  # the answer's own time inside the server (timings_ms.total)
    add_times: list[float] = []
    errors: list[str] = []
    hostile_result: dict[str, Any] = {}
    lock = threading.Lock()

    def session(s: int) -> None:
        me = client()
        history: list[dict[str, str]] = []
        backend, times = ("llamacpp", llm_asks) if s < llm_sessions else ("extractive", asks)
        for q in range(questions):
            question = QUESTIONS[(s + q) % len(QUESTIONS)]
            args = (question, json.dumps(history), backend, 5)
            seconds, result, error = timed(lambda a=args: me.predict(*a, api_name="/ask"))
            with lock:
                times.append(seconds)
                if result and backend == "extractive" and "total" in result.get("timings_ms", {}):
                    inside.append(result["timings_ms"]["total"] / 1000)
                if error or not result or not result.get("answer"):
                    errors.append(f"ask {s}.{q}: {error or 'empty answer'}")
            if result:
                history += [
                    {"role": "user", "content": question},
                    {"role": "assistant", "content": result["answer"]},
                ]

    def adder() -> None:
        me = client()
        for n in range(adds):
            doc = article(n)
            call = lambda d=doc: me.predict(  # noqa: E731
                text=d["text"], title=d["title"], url=d["url"], files=[], api_name="/add"
            )
            seconds, report, error = timed(call)
            with lock:
                add_times.append(seconds)
                if error or report["added"] + report["unchanged"] != 1:
                    errors.append(f"add {n}: {error or report['failed']}")

    def attacker() -> None:
        question = hostile_question(hostile)
        seconds, result, error = timed(lambda: client().predict(question, api_name="/ask"))
        hostile_result.update(
            chars=len(question),
            seconds=seconds,
            outcome=(error or ("refused" if result["refused"] else "answered"))[:200],
        )

    if llm_sessions:  # the model server starts on first use: not part of the measurement
        client().predict(QUESTIONS[0], "", "llamacpp", 5, api_name="/ask")
    threads = [threading.Thread(target=session, args=(s,)) for s in range(sessions)]
    threads += [threading.Thread(target=adder)]
    if hostile:
        threads.append(threading.Thread(target=attacker))
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    titles = {r["title"] for r in client().predict(search="Loadtest", api_name="/articles")}
    present = sum(article(n)["title"] in titles for n in range(adds))
    return {
        "sessions": sessions,
        "questions": questions,
        "asks": len(asks),
        "ask_s": latency(asks) if asks else {},
        "answer_s": latency(inside) if inside else {},
        "llm_sessions": llm_sessions,
        "llm_ask_s": latency(llm_asks) if llm_asks else {},
        "adds": adds,
        "add_s": latency(add_times) if add_times else {},
        "present": present,
        "errors": errors,
        "hostile": hostile_result,
        "wall_s": wall,
        "load": os.getloadavg()[0],
    }


def start_server(data_dir: Path, llm: bool = False) -> tuple[subprocess.Popen, str]:
    """`qa serve --port 0` on `data_dir`; returns the process and the URL it prints when ready."""
    env = {**os.environ, **({"QA_UI_BACKENDS": "extractive,llamacpp"} if llm else {})}
    proc = subprocess.Popen(
        [sys.executable, "-m", "qa", "serve", "--port", "0", "--data-dir", str(data_dir)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    for line in proc.stderr:
        found = re.search(r"open (http://\S+) ", line)
        if found:
            threading.Thread(target=proc.stderr.read, daemon=True).start()  # keep it drained
            return proc, found.group(1)
    raise SystemExit(f"qa serve did not start (exit {proc.wait()})")


def build_index(data_dir: Path) -> None:
    """The sample article plus the 64 fixture articles, indexed by `qa ingest`."""
    inputs = [str(SAMPLE)] + ([str(FIXTURES)] if FIXTURES.exists() else [])
    cmd = [sys.executable, "-m", "qa", "ingest", *inputs, "--data-dir", str(data_dir)]
    subprocess.run(cmd, cwd=REPO, check=True, stdout=subprocess.DEVNULL)


def render(r: dict[str, Any], articles: int) -> str:
    """The markdown report, beside the issue's probe of 0.2.0."""
    ask, add = r["ask_s"], r["add_s"]
    hostile = r["hostile"]
    rows = [
        ["errors", len(r["errors"]), BASELINE["errors"]],
        [
            "ask p50 / p95 (s)",
            f"{num(ask['p50'], 2)} / {num(ask['p95'], 2)}",
            f"p95 {BASELINE['p95']}",
        ],
        [
            "answer time inside the server p50 / p95 (s)",
            f"{num(r['answer_s']['p50'], 3)} / {num(r['answer_s']['p95'], 3)}",
            "—",
        ],
        *(
            [
                [
                    f"llamacpp asks ({r['llm_sessions']} sessions) p50 / p95 (s)",
                    f"{num(r['llm_ask_s']['p50'], 2)} / {num(r['llm_ask_s']['p95'], 2)}",
                    "—",
                ]
            ]
            if r.get("llm_ask_s")
            else []
        ),
        ["add p50 / p95 (s)", f"{num(add['p50'], 2)} / {num(add['p95'], 2)}", "—"],
        ["added articles present at the end", f"{r['present']}/{r['adds']}", BASELINE["present"]],
        [
            f"hostile {hostile.get('chars', 0):,}-character question",
            f"{hostile.get('outcome', '—')} in {num(hostile.get('seconds', 0), 2)} s",
            BASELINE["hostile"],
        ],
    ]
    lines = [
        f"{r['sessions']} sessions × {r['questions']} questions ({r['asks']} asks through /ask "
        f"with follow-up history) while {r['adds']} articles are added through /add, over an "
        f"index of {articles} articles; wall {num(r['wall_s'])} s; load average "
        f"{num(r['load'], 2)} on {os.cpu_count()} cores.",
        "",
        markdown_table(["measure", "this run", "0.2.0 (issue probe)"], rows),
    ]
    lines += [f"- {e}" for e in r["errors"][:10]]
    return "\n".join(lines)


def main() -> None:
    """Parse arguments, start a server on a copy of the index, load it, print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=16)
    parser.add_argument("--questions", type=int, default=5)
    parser.add_argument("--adds", type=int, default=20)
    parser.add_argument("--hostile-chars", type=int, default=1_000_000)
    parser.add_argument(
        "--llm-sessions", type=int, default=0, help="sessions asking the local llamacpp model"
    )
    parser.add_argument("--data-dir", type=Path, help="index to copy (default: build one)")
    parser.add_argument("--url", help="load a server that is already running instead")
    parser.add_argument("--json", action="store_true", help="print JSON instead of markdown")
    args = parser.parse_args()
    stay_offline()
    if args.url:
        from gradio_client import Client

        articles = len(Client(args.url, verbose=False).predict(api_name="/articles"))
        result = run_load(
            args.url,
            args.sessions,
            args.questions,
            args.adds,
            args.hostile_chars,
            args.llm_sessions,
        )
        print(json.dumps(result, indent=2) if args.json else render(result, articles))
        return
    with tempfile.TemporaryDirectory(prefix="qa-load-") as tmp:
        data_dir = Path(tmp) / "data"
        if args.data_dir:
            shutil.copytree(args.data_dir, data_dir)
        else:
            build_index(data_dir)
        proc, url = start_server(data_dir, llm=args.llm_sessions > 0)
        try:
            sys.path.insert(0, str(REPO))
            from gradio_client import Client

            articles = len(Client(url, verbose=False).predict(api_name="/articles"))
            result = run_load(
                url,
                args.sessions,
                args.questions,
                args.adds,
                args.hostile_chars,
                args.llm_sessions,
            )
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=60)
    print(json.dumps(result, indent=2) if args.json else render(result, articles))


if __name__ == "__main__":
    main()
