"""The final checks of bench/soak.sh: errors, RSS growth, metrics vs clients.

soak_check.py OUT FIRST_EVENTS SECONDS WARMUP_SECONDS reads OUT/metrics.txt, rss.csv and
the loops' count files, prints a summary (also to OUT/summary.txt) and exits
1 when a check fails.
"""
import collections
import re
import sys

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"')


def metrics(path):
    """{name: [(labels dict, value)]} of a Prometheus text body."""
    out = collections.defaultdict(list)
    with open(path) as f:
        for line in f:
            m = SAMPLE.match(line.strip())
            if m:
                labels = dict(LABEL.findall(m.group(3) or ''))
                out[m.group(1)].append((labels, float(m.group(4))))
    return out


def total(samples, **want):
    return sum(v for labels, v in samples
               if all(labels.get(k) == w for k, w in want.items()))


def rows(path):
    with open(path) as f:
        return [line.split() for line in f if line.strip()]


def main():
    out, first_events, seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    warmup = int(sys.argv[4])
    m = metrics(f'{out}/metrics.txt')
    failures, summary = [], []

    def check(ok, what):
        (summary if ok else failures).append(what)

    # Client counts.
    h2, h2_bad = collections.Counter(), 0
    for body, ok, failed, errored in rows(f'{out}/h2load.counts'):
        h2[body] += int(ok)
        h2_bad += int(failed) + int(errored)
    check(h2_bad == 0, f'h2load: {h2_bad} requests failed or errored')
    scored = sum(int(r[0]) for r in rows(f'{out}/score.counts'))
    rejected = sum(int(r[1]) for r in rows(f'{out}/score.counts'))
    runs = len(rows(f'{out}/score.counts'))
    check(rejected == 3 * runs,
          f'score: {rejected} provoked rejections in {runs} runs (3 each)')
    dup_records = sum(int(r[0]) for r in rows(f'{out}/ingest.counts'))
    sim_runs = len(rows(f'{out}/ingest.counts'))

    # Server status codes: OK, except the provoked INVALID_ARGUMENTs.
    handled = m['grpc_server_handled_total']
    for labels, v in handled:
        code, method = labels.get('grpc_code'), labels.get('grpc_method')
        if code == 'OK' or v == 0:
            continue
        if method == 'Score' and code == 'INVALID_ARGUMENT':
            check(v == h2['bad_score'],
                  f'Score INVALID_ARGUMENT {v:.0f} == provoked {h2["bad_score"]}')
        else:
            check(False, f'{method} answered {code} {v:.0f} times')
    for method, n in (('Classify', h2['classify']),
                      ('Score', h2['score_draft'] + h2['score_post']),
                      ('Rank', h2['rank'])):
        v = total(handled, grpc_method=method, grpc_code='OK')
        check(v == n, f'{method} OK: server {v:.0f}, clients {n}')

    v = total(handled, grpc_method='ScoreDrafts', grpc_code='OK')
    check(v == runs, f'ScoreDrafts OK: server {v:.0f}, score runs {runs}')

    # Scores served, by kind (a Rank call returns its limit, 20).
    drafts = total(m['reachrank_rank_scores_count'], kind='draft')
    check(drafts == scored + h2['score_draft'],
          f'draft scores: server {drafts:.0f}, clients '
          f'{scored + h2["score_draft"]}')
    posts = total(m['reachrank_rank_scores_count'], kind='post')
    want = h2['score_post'] + 20 * h2['rank']
    check(posts == want, f'post scores: server {posts:.0f}, clients {want}')
    cands = total(m['reachrank_rank_candidates_total'], result='scored')
    check(cands == 50 * h2['rank'],
          f'Rank candidates scored: server {cands:.0f}, clients '
          f'{50 * h2["rank"]}')

    # Ingest: the first run's events counted once, every later run's events
    # seen as duplicates, nothing rejected.
    events = total(m['reachrank_ingest_events_total'])
    check(events == first_events,
          f'events counted: server {events:.0f}, first run {first_events}')
    dups = total(m['reachrank_ingest_duplicates_total'])
    check(dups == dup_records,
          f'duplicates: server {dups:.0f}, {sim_runs} repeat runs sent '
          f'{dup_records} records')
    rej = total(m['reachrank_ingest_rejected_total'])
    check(rej == 0, f'ingest rejected {rej:.0f}')

    # RSS after warm-up.
    rss = [tuple(map(float, line.split(','))) for line in
           open(f'{out}/rss.csv').read().split()[1:]]
    after = [r for t, r in rss if t >= warmup]
    if after:
        base, peak = after[0], max(after)
        growth = 100.0 * (peak - base) / base
        check(growth <= 10.0,
              f'RSS after {warmup} s of warm-up {base:.1f} -> peak {peak:.1f} MiB '
              f'({growth:+.1f} %, limit 10 %); final {after[-1]:.1f} MiB, '
              f'{len(rss)} samples')
    else:
        check(False, 'no RSS samples after warm-up')

    summary.insert(0, f'{seconds} s: {sim_runs} simulate runs, {runs} score '
                   f'runs ({scored} drafts scored), h2load ok {dict(h2)}')
    text = '\n'.join(['soak: ' + s for s in summary] +
                     ['soak: FAIL: ' + f for f in failures]) + '\n'
    open(f'{out}/summary.txt', 'w').write(text)
    sys.stdout.write(text)
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
